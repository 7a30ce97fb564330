// Runs one YoWASP tool (yosys, nextpnr-ice40, icepack, icepll) inside a worker thread.
//
// The YoWASP tools run synchronously on the thread that calls them (REFERENCES.md: a 10 ms timer fired 6
// times in a 5.5 s yosys run), so the main thread would freeze: no progress output, no serial I/O. This file
// is plain JavaScript so that it loads the same way under tsx, vitest and plain node.
import { parentPort, workerData } from 'node:worker_threads';

const { tool, args, files } = workerData;
const packageName = tool === 'yosys' ? '@yowasp/yosys' : '@yowasp/nextpnr-ice40';

const forward = (stream) => (bytes) => {
  if (bytes && bytes.length > 0) parentPort.postMessage({ kind: 'output', stream, bytes });
};

try {
  const { commands } = await import(packageName);
  const command = commands[tool];
  if (!command) throw new Error(`${packageName} has no command '${tool}'`);
  const output = await command(args, files, {
    stdout: forward('stdout'),
    stderr: forward('stderr'),
    decodeASCII: false,
  });
  parentPort.postMessage({ kind: 'exit', code: 0, files: output ?? {} });
} catch (error) {
  // YoWASP throws `Exit` (with .code and .files) when the tool exits non-zero.
  if (error && typeof error.code === 'number' && error.files) {
    parentPort.postMessage({ kind: 'exit', code: error.code, files: error.files });
  } else {
    parentPort.postMessage({ kind: 'crash', message: String(error?.stack ? error.stack : error) });
  }
}
