/**
 * Opens a serial port with the real serialport bindings and adapts it to the link's Transport.
 * Works the same on a USB-UART (/dev/ttyUSB1) and on the virtual board's pty; baud-rate and latency ioctls
 * fail with "Inappropriate ioctl" on a pty, so those calls are best-effort.
 */
import { SerialPort } from 'serialport';
import { UserError } from '../src/errors.ts';
import type { Transport } from './link.ts';

export async function openSerial(path: string, baudRate: number): Promise<Transport> {
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => {
      if (!error) return resolve();
      const text = error.message;
      if (/ENOENT|No such file/i.test(text))
        reject(
          new UserError(`no serial port at ${path} (is the board plugged in? list candidates with \`spinbit ports\`)`),
        );
      else if (/EACCES|Permission denied/i.test(text))
        reject(
          new UserError(
            `no permission to open ${path}: add yourself to the dialout group ` +
              '(sudo usermod -aG dialout $USER, then log in again)',
          ),
        );
      else if (/lock|busy|EBUSY/i.test(text)) reject(new UserError(`${path} is busy: another program has it open`));
      else reject(new UserError(`cannot open ${path}: ${text}`));
    }),
  );
  const closeListeners: ((reason: string) => void)[] = [];
  let closing = false;
  port.on('close', (error?: Error & { disconnected?: boolean }) => {
    const reason = closing
      ? 'closed'
      : `port closed unexpectedly${error?.message ? ` (${error.message})` : ''}: the board went away`;
    for (const listener of closeListeners) listener(reason);
  });
  port.on('error', (error: Error) => {
    // A vanished device (USB unplugged, virtual board killed) shows up as EIO/ENXIO/ENODEV on the next read.
    const gone = /EIO|ENXIO|ENODEV|disconnected/i.test(error.message);
    const reason = gone
      ? `port closed unexpectedly (${error.message}): the board went away`
      : `port error: ${error.message}`;
    for (const listener of closeListeners) listener(reason);
  });
  return {
    write(bytes) {
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    onData(listener) {
      port.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    close() {
      closing = true;
      return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    },
  };
}
