/**
 * A NumPy .npy file of int32 rows written as a stream: rows are appended as they come and the header's shape
 * is rewritten after every append, so the file is a valid array of the rows written so far at any moment
 * between appends — a run cut short (Ctrl-C, a crash) still leaves a file `numpy.load` reads.
 *
 * Format 1.0 (numpy.org/neps/nep-0001-npy-format.html): magic "\x93NUMPY", version 1 0, a little-endian
 * uint16 header length, then a Python dict literal padded with spaces to a fixed size ending in "\n". The
 * header is sized once (HEADER_BYTES) with room for any row count, so rewriting it never moves the data.
 * Written here because the npm packages for .npy only read files or build whole arrays in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const HEADER_BYTES = 128; // magic, version, length and the padded dict: a multiple of 64 as the format asks

export class NpyInt32Writer {
  private readonly fd: number;
  private rows = 0;
  private position = HEADER_BYTES;

  /** Creates (or truncates) `file` as an empty (0, columns) int32 array. */
  constructor(
    readonly file: string,
    readonly columns: number,
  ) {
    this.fd = openSync(file, 'w');
    this.writeHeader();
  }

  /** Appends rows given flat, row after row (length a multiple of `columns`). */
  append(values: Int32Array): void {
    if (values.length % this.columns !== 0)
      throw new RangeError(`${values.length} values do not make whole rows of ${this.columns}`);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    // int32 little endian: the machine order on every platform Node runs spinbit on (x86-64, arm64)
    writeSync(this.fd, bytes, 0, bytes.length, this.position);
    this.position += bytes.length;
    this.rows += values.length / this.columns;
    this.writeHeader();
  }

  get rowCount(): number {
    return this.rows;
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeHeader(): void {
    const dict = `{'descr': '<i4', 'fortran_order': False, 'shape': (${this.rows}, ${this.columns}), }`;
    const prefix = 10; // magic (6) + version (2) + header length (2)
    const text = `${dict.padEnd(HEADER_BYTES - prefix - 1, ' ')}\n`;
    const header = new Uint8Array(HEADER_BYTES);
    header.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0], 0);
    new DataView(header.buffer).setUint16(8, text.length, true);
    header.set(Buffer.from(text, 'latin1'), prefix);
    writeSync(this.fd, header, 0, HEADER_BYTES, 0);
  }
}
