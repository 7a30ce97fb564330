/**
 * The host end of the link: requests out, replies in, over any byte transport (a SerialPort on a real board
 * or on the virtual board's pty — the code does not know which).
 *
 * - Sequence numbers match replies to requests; requests are pipelined, but the bytes of unanswered requests
 *   never exceed the board's rx buffer (its identity says how big), so the board's FIFO cannot overflow.
 * - A reply with BAD_CRC, or no reply within the timeout, is retried (with a fresh sequence number) up to
 *   `retries` times. After a timeout the host stays silent for the board's frame timeout first, so the
 *   board's decoder has dropped any partial frame before the next request starts.
 * - Garbage on the line is skipped by the frame decoder; a port that closes fails every pending request at
 *   once with LinkClosedError — never a hang.
 */
import {
  FrameDecoder,
  encodeRequest,
  FRAME_OVERHEAD,
  Status,
  STATUS_NAMES,
  SYNC_REPLY,
  type Frame,
} from '../src/link/protocol.ts';

export class LinkError extends Error {
  override name = 'LinkError';
}

/** The port went away (cable pulled, virtual board killed, port closed). */
export class LinkClosedError extends LinkError {
  override name = 'LinkClosedError';
}

/** No valid reply after every retry. */
export class LinkTimeoutError extends LinkError {
  override name = 'LinkTimeoutError';
}

/** The board answered with an error status. */
export class BoardStatusError extends LinkError {
  override name = 'BoardStatusError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the link needs from a port: write bytes, receive bytes, learn that it closed. */
export interface Transport {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  onClose(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

export interface LinkOptions {
  /** Milliseconds to wait for each reply (default 1000). */
  timeoutMs?: number;
  /** Retries after a BAD_CRC reply or a timeout (default 3). */
  retries?: number;
  /** Largest reply payload to expect before IDENTIFY has said (default 4096). */
  maxPayload?: number;
}

export interface LinkStats {
  requests: number;
  retries: number;
  bytesOut: number;
  bytesIn: number;
  /** Decoder events other than frames: garbage or corrupt frames skipped. */
  resyncs: number;
}

interface Pending {
  cmd: number;
  payload: Uint8Array;
  /** Times sent. */
  attempts: number;
  /** Times this request itself failed (BAD_CRC, lost, timed out); resends caused by others do not count. */
  failures: number;
  seq: number;
  wireBytes: number;
  timer?: NodeJS.Timeout;
  resolve(frame: Frame): void;
  reject(error: Error): void;
}

export class Link {
  private decoder: FrameDecoder;
  private nextSeq = 0;
  private readonly waiting: Pending[] = [];
  /** Sent and unanswered, in send order. */
  private readonly inflight: Pending[] = [];
  private creditBytes: number;
  private quietUntil = 0;
  private quietTimer?: NodeJS.Timeout;
  private resyncMs = 50;
  private closedReason?: string;
  readonly stats: LinkStats = { requests: 0, retries: 0, bytesOut: 0, bytesIn: 0, resyncs: 0 };
  readonly timeoutMs: number;
  readonly retries: number;

  constructor(
    private readonly transport: Transport,
    private readonly label: string,
    options: LinkOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 3;
    this.decoder = new FrameDecoder(SYNC_REPLY, options.maxPayload ?? 4096);
    // Until IDENTIFY has said how much the board buffers: one request at a time.
    this.creditBytes = 0;
    transport.onData((bytes) => this.receive(bytes));
    transport.onClose((reason) => this.fail(new LinkClosedError(`${label}: ${reason}`)));
  }

  /** After IDENTIFY: pipeline up to `rxBufferBytes` of requests, and learn the board's resync time. */
  configure(rxBufferBytes: number, maxPayload: number, frameTimeoutUs: number): void {
    this.creditBytes = rxBufferBytes;
    this.decoder = new FrameDecoder(SYNC_REPLY, maxPayload);
    this.resyncMs = Math.max(5, Math.ceil((2 * frameTimeoutUs) / 1000));
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /**
   * Sends a request and resolves with the OK reply; rejects with BoardStatusError, LinkTimeoutError,
   * LinkClosedError.
   */
  request(cmd: number, payload: Uint8Array = new Uint8Array(0)): Promise<Frame> {
    if (this.closedReason) return Promise.reject(new LinkClosedError(`${this.label}: ${this.closedReason}`));
    return new Promise((resolve, reject) => {
      this.waiting.push({
        cmd,
        payload,
        attempts: 0,
        failures: 0,
        seq: -1,
        wireBytes: FRAME_OVERHEAD + payload.length,
        resolve,
        reject,
      });
      this.stats.requests++;
      this.pump();
    });
  }

  /**
   * Ends whatever partial frame the board's decoder holds, the same way on a real and a virtual board (whose
   * frame timeout counts simulated clocks, which stand still while the host is silent): `maxPayload` + 11 zero
   * bytes complete any partial frame (answered with an error or dropped), and zeros never start one. Call it
   * with nothing in flight; replies it provokes are discarded.
   */
  async flush(maxPayload: number): Promise<void> {
    if (this.inflight.length > 0 || this.waiting.length > 0)
      throw new Error(`${this.label}: flush with requests in flight`);
    const zeros = new Uint8Array(maxPayload + FRAME_OVERHEAD);
    this.stats.bytesOut += zeros.length;
    this.transport.write(zeros);
    await new Promise((resolve) => setTimeout(resolve, this.resyncMs + 20));
    this.decoder.flush();
  }

  async close(): Promise<void> {
    if (!this.closedReason) this.fail(new LinkClosedError(`${this.label}: closed`));
    await this.transport.close();
  }

  private outstandingBytes(): number {
    return this.inflight.reduce((sum, p) => sum + p.wireBytes, 0);
  }

  private pump(): void {
    if (this.closedReason) return;
    const now = Date.now();
    if (now < this.quietUntil) {
      this.quietTimer ??= setTimeout(() => {
        this.quietTimer = undefined;
        this.pump();
      }, this.quietUntil - now);
      return;
    }
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      const fits = this.inflight.length === 0 || this.outstandingBytes() + next.wireBytes <= this.creditBytes;
      if (!fits) break;
      this.waiting.shift();
      next.seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) & 0xff;
      next.attempts++;
      this.inflight.push(next);
      const bytes = encodeRequest(next.seq, next.cmd, next.payload);
      this.stats.bytesOut += bytes.length;
      next.timer = setTimeout(() => this.timedOut(next), this.timeoutMs);
      this.transport.write(bytes);
    }
  }

  private receive(bytes: Uint8Array): void {
    this.stats.bytesIn += bytes.length;
    for (const event of this.decoder.push(bytes)) {
      if (event.kind === 'error') this.stats.resyncs++;
      else this.handle(event.frame);
    }
  }

  private handle(frame: Frame): void {
    const index = this.inflight.findIndex((p) => p.seq === frame.seq);
    if (index < 0) return; // a late reply to a request already retried under a new number
    // The board answers in order: requests sent before this one got no reply and were lost.
    const lost = this.inflight.splice(0, index);
    const pending = this.inflight.shift()!;
    clearTimeout(pending.timer);
    for (const p of lost) {
      clearTimeout(p.timer);
      this.retry(p, 'no reply');
    }
    if (frame.status === Status.OK) pending.resolve(frame);
    else if (frame.status === Status.BAD_CRC) this.retry(pending, 'the board received a corrupted frame (BAD_CRC)');
    else {
      const name = STATUS_NAMES[frame.status] ?? `status 0x${frame.status.toString(16)}`;
      pending.reject(
        new BoardStatusError(frame.status, `${this.label}: command 0x${pending.cmd.toString(16)} refused: ${name}`),
      );
    }
    this.pump();
  }

  private timedOut(pending: Pending): void {
    const index = this.inflight.indexOf(pending);
    if (index < 0) return;
    // Everything in flight is suspect now: let the board's decoder time out, drop our partial input, resend.
    const all = this.inflight.splice(0);
    for (const p of all) clearTimeout(p.timer);
    for (const event of this.decoder.flush()) if (event.kind === 'frame') this.handle(event.frame);
    this.quietUntil = Date.now() + this.resyncMs;
    // Only the request that timed out is charged; the others are resent because their replies may be stuck
    // behind a partial frame on the board.
    for (const p of all) this.retry(p, `no reply within ${this.timeoutMs} ms`, p === pending);
    this.pump();
  }

  private retry(pending: Pending, why: string, charged = true): void {
    if (charged) pending.failures++;
    if (pending.failures > this.retries) {
      pending.reject(
        new LinkTimeoutError(
          `${this.label}: command 0x${pending.cmd.toString(16)} failed after ${pending.attempts} attempts: ${why}`,
        ),
      );
      return;
    }
    this.stats.retries++;
    // Resends go first, keeping the original order among themselves.
    const firstNew = this.waiting.findIndex((p) => p.attempts === 0);
    this.waiting.splice(firstNew < 0 ? this.waiting.length : firstNew, 0, pending);
  }

  private fail(error: LinkClosedError): void {
    if (this.closedReason) return;
    this.closedReason = error.message.replace(`${this.label}: `, '');
    clearTimeout(this.quietTimer);
    for (const p of [...this.inflight.splice(0), ...this.waiting.splice(0)]) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }
}
