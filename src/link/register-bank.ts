/**
 * Register logic of a generated core, built from its contract: the REG_* / MEM_* / ID constants, a flip-flop
 * per storage register (`<name>_reg`, reset to the contract's value, written by WRITE_REG) and the read
 * multiplexer. The design adds only what a register *does*: the value of status and action registers, and
 * what an action starts (it sees `reg_write && reg_addr == REG_<NAME>`). A new storage register is therefore
 * one line in the contract: Verilog, host accessor and docs follow.
 */
import type { Module } from '../hdl/module.ts';
import { firstClause, verilogConstants, type Contract, type RegisterName } from './contract.ts';

/**
 * Declares contract constants in `core` (localparams named as in verilogConstants): the ID and REG_* ones the
 * bank uses, and those whose names `extra` lists (e.g. MEM_MODEL), so no unused constant trips the linter.
 */
export function declareContractConstants(core: Module, contract: Contract, extra: string[] = []): void {
  const wanted = (name: string) => name.startsWith('REG_') || name.endsWith('_ID') || extra.includes(name);
  for (const c of verilogConstants(contract).filter((c) => wanted(c.name))) {
    core.localparam(c.name, `${c.width}'h${c.value.toString(16)}`, c.comment, c.width);
  }
}

/** Name of the flip-flops behind a storage register. */
export function storageName(register: string): string {
  return `${register.toLowerCase()}_reg`;
}

/**
 * Adds the register bank to `core` (which declares the link bus, reg_rdata as a reg). `reads` gives the value
 * of every status register and of action registers that read back (an expression as wide as the register);
 * `constants` names further contract constants the design's own Verilog uses.
 */
export function registerBank<C extends Contract>(
  core: Module,
  contract: C,
  reads: Partial<Record<RegisterName<C>, string>>,
  constants: string[] = [],
): void {
  const block = Object.keys(contract.registers).find((name) => contract.registers[name]!.block);
  if (block)
    throw new Error(
      `${contract.design}: register blocks (${block}) are for hand-written engines, not the generated bank`,
    );
  declareContractConstants(core, contract, constants);
  const registers = Object.entries(contract.registers).sort(([, a], [, b]) => a.address - b.address);
  const storage = registers.filter(([, r]) => r.kind === 'storage');
  for (const [name, r] of storage) core.reg(storageName(name), r.width ?? 32, firstClause(r.doc));
  const pad = (width: number, expr: string) => (width === 32 ? expr : `{${32 - width}'d0, ${expr}}`);
  for (const [name] of registers) core.reg(hitName(name), 1, `reg_addr is REG_${name} (a clock behind)`);
  const hits = registers.map(([name]) => `        ${hitName(name)} <= (reg_addr == REG_${name});`);
  const readTerms = registers.map(([name, r]) => {
    const width = r.width ?? 32;
    const source = reads[name as RegisterName<C>];
    let value: string;
    if (r.kind === 'constant') value = `${contract.design.toUpperCase()}_ID`;
    else if (r.kind === 'storage') value = pad(width, storageName(name));
    else if (source !== undefined) value = pad(width, source);
    else if (r.kind === 'action' && !r.readBack) return undefined;
    else throw new Error(`${contract.design}: register ${name} reads back a value: pass it in reads`);
    return `({32{${hitName(name)}}} & ${value})`;
  });
  const resets = storage.map(
    ([name, r]) => `            ${storageName(name)} <= ${r.width ?? 32}'h${(r.reset ?? 0).toString(16)};`,
  );
  const writes = storage.map(
    ([name, r]) => `            if (${hitName(name)}) ${storageName(name)} <= reg_wdata[${(r.width ?? 32) - 1}:0];`,
  );
  const terms = readTerms.filter((t) => t !== undefined);
  core.body(`
    // Register bank (generated from the ${contract.design} contract): storage registers and the read multiplexer.
    // The link holds reg_addr from a clock before each strobe (src/link/bus.ts), so the address decode is
    // registered: one flip-flop per register keeps the 16-bit compares off the strobes' paths.
    always @(posedge clk) begin
${hits.join('\n')}
    end
    always @(posedge clk) begin
        if (rst) begin
${resets.join('\n')}
        end else if (reg_write) begin
${writes.join('\n')}
        end
        if (reg_read) reg_rdata <= ${terms.join(' |\n                                 ')};
    end
  `);
}

/** The registered decode of a register's address (high the clock after reg_addr names it). */
export function hitName(register: string): string {
  return `hit_${register.toLowerCase()}`;
}
