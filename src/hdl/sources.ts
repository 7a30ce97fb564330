/** Sets of Verilog sources by file name, as the flow and the simulator receive them. */

/** Files a tool reads: every source but include files (.vh), which the sources pull in themselves. */
export function verilogFiles(sources: Record<string, string>): string[] {
  return Object.keys(sources)
    .filter((name) => !name.endsWith('.vh'))
    .sort();
}
