/**
 * A design's contract with its host: registers, memories, stream records and identity, declared once (in the
 * design's contract.ts) as data. Everything that used to copy it by hand is generated from it: the Verilog
 * constants (a localparam list for generated cores, an include file for hand-written engines), the register
 * logic of generated cores (register-bank.ts), the host's typed accessors (host/registers.ts) and the tables in
 * docs/ (scripts/write-docs.ts; a test fails when the committed docs differ). Like LiteX's CSR export, but
 * typed: a register name the contract does not have is a TypeScript error in the host.
 */

/**
 * How a register behaves, which decides what a generated core builds for it (register-bank.ts):
 * - constant: read-only, `value` (e.g. the ID);
 * - storage: read/write flip-flops with a reset value, the design reads them (`<name>_reg`);
 * - status: read-only, the design supplies the value;
 * - action: a write starts something in the design; reads give what the design supplies (0 if nothing).
 * Hand-written engines implement every kind themselves; the kind then documents the behaviour.
 */
export type RegisterKind = 'constant' | 'storage' | 'status' | 'action';

export interface RegisterSpec {
  address: number;
  kind: RegisterKind;
  /** Meaningful bits (the rest read as 0); 32 when absent. */
  width?: number;
  /** Reset value of a storage register (0 when absent). */
  reset?: number;
  /** Value of a constant register. */
  value?: number;
  /** A block of registers from `address` on: its size as a formula of the config, for the docs. */
  block?: string;
  /** Registers per entry of a block (e.g. per replica); emitted as REG_<NAME>_STRIDE. */
  stride?: number;
  /** An action register that also reads back a value (access rw rather than w). */
  readBack?: boolean;
  doc: string;
}

export interface MemorySpec {
  index: number;
  /** Word size in bits, or a formula of the config for the docs (the design's config gives the number). */
  wordBits: number | string;
  /** Depth in words as a formula of the config (for the docs). */
  depth: string;
  doc: string;
}

/** A bit field of a register or stream record, least significant first. */
export interface FieldSpec {
  name: string;
  bits: number;
  signed?: boolean;
  doc: string;
}

export interface RecordSpec {
  name: string;
  /** Fields from the least significant bit of the first byte on; the sizes add up to whole bytes. */
  fields: readonly FieldSpec[];
  doc: string;
}

export interface Contract {
  design: string;
  /** Four ASCII characters: the ID register's value reads as this text, most significant byte first. */
  id: string;
  registers: Readonly<Record<string, RegisterSpec>>;
  memories: Readonly<Record<string, MemorySpec>>;
  /** What the stream carries: free text, plus a record layout when it carries fixed records. */
  stream: { doc: string; record?: RecordSpec };
  /**
   * Bit fields of registers, by register name: values packed from the config (SHAPE) or flags of the engine's
   * state (STATUS). The Verilog packs them with the generated `<REGISTER>_<FIELD>_LSB` constants (or
   * `fieldsVerilog` in a generated core), the host unpacks them with `unpackFields`.
   */
  fields?: Readonly<Record<string, readonly FieldSpec[]>>;
}

export type RegisterName<C extends Contract> = keyof C['registers'] & string;
export type MemoryName<C extends Contract> = keyof C['memories'] & string;

/** Checks a contract once where it is declared: unique addresses and indices, an ID register, fields that fit. */
export function defineContract<const C extends Contract>(contract: C): C {
  const fail = (why: string): never => {
    throw new Error(`${contract.design} contract: ${why}`);
  };
  if (!/^[\x20-\x7e]{4}$/.test(contract.id)) fail(`id must be 4 ASCII characters, got '${contract.id}'`);
  const id = contract.registers.ID;
  if (id?.kind !== 'constant' || id.value !== idValue(contract.id))
    fail(`register ID must be the constant '${contract.id}'`);
  const addresses = new Map<number, string>();
  for (const [name, spec] of Object.entries(contract.registers)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) fail(`register name '${name}' must be UPPER_SNAKE`);
    const other = addresses.get(spec.address);
    if (other) fail(`registers ${other} and ${name} share address ${spec.address}`);
    addresses.set(spec.address, name);
    if ((spec.width ?? 32) < 1 || (spec.width ?? 32) > 32) fail(`register ${name} width must be 1 … 32`);
  }
  const indices = Object.values(contract.memories)
    .map((m) => m.index)
    .sort((a, b) => a - b);
  if (indices.some((index, i) => index !== i)) fail(`memory indices must be 0 … n − 1, got ${indices.join(', ')}`);
  for (const [name, fields] of Object.entries(contract.fields ?? {})) {
    if (!(name in contract.registers)) fail(`fields for unknown register ${name}`);
    if (fields.reduce((sum, f) => sum + f.bits, 0) > 32) fail(`fields of ${name} exceed 32 bits`);
  }
  const record = contract.stream.record;
  if (record && record.fields.reduce((sum, f) => sum + f.bits, 0) % 8 !== 0)
    fail(`record ${record.name} is not whole bytes`);
  return contract;
}

/** 'LOOP' → 0x4c4f4f50: the text reads left to right in a hex dump of the register value. */
export function idValue(text: string): number {
  return [...text].reduce((value, c) => value * 256 + c.charCodeAt(0), 0);
}

/** One past the highest register address; blocks add `blockSizes[name]` registers from their address. */
export function registerCount(contract: Contract, blockSizes: Record<string, number> = {}): number {
  let count = 0;
  for (const [name, spec] of Object.entries(contract.registers)) {
    const size = spec.block ? blockSizes[name] : 1;
    if (size === undefined)
      throw new Error(`${contract.design} contract: the size of register block ${name} is needed`);
    count = Math.max(count, spec.address + size);
  }
  return count;
}

/** Packs named values into a register's bit fields; a value that does not fit its field is an error. */
export function packFields(fields: readonly FieldSpec[], values: Record<string, number>): number {
  let shift = 0;
  let packed = 0;
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) throw new Error(`field ${field.name} has no value`);
    if (!(Number.isInteger(value) && value >= 0 && value < 2 ** field.bits)) {
      throw new Error(`field ${field.name} = ${value} does not fit ${field.bits} bits`);
    }
    packed += value * 2 ** shift;
    shift += field.bits;
  }
  return packed;
}

/** A register value split into its named fields. */
export function unpackFields(fields: readonly FieldSpec[], value: number): Record<string, number> {
  const out: Record<string, number> = {};
  let shift = 0;
  for (const field of fields) {
    out[field.name] = Math.floor(value / 2 ** shift) % 2 ** field.bits;
    shift += field.bits;
  }
  return out;
}

/**
 * The Verilog concatenation that packs `values` (one expression per field, of the field's width): as wide as the
 * fields together, the first field least significant (a register bank pads it to 32 bits).
 */
export function fieldsVerilog(fields: readonly FieldSpec[], values: Record<string, string>): string {
  const parts = fields.map((f) => {
    const value = values[f.name];
    if (value === undefined) throw new Error(`field ${f.name} has no Verilog expression`);
    return value;
  });
  return parts.length === 1 ? parts[0]! : `{${parts.reverse().join(', ')}}`;
}

/** Bytes of one stream record. */
export function recordBytes(record: RecordSpec): number {
  return record.fields.reduce((sum, f) => sum + f.bits, 0) / 8;
}

/**
 * Decodes the record at `offset` (little endian, fields from the least significant bit on). Values are bigints:
 * records carry sums wider than a double holds exactly.
 */
export function decodeRecord(record: RecordSpec, bytes: Uint8Array, offset: number): Record<string, bigint> {
  const size = recordBytes(record);
  let bits = 0n;
  for (let i = size - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(bytes[offset + i]!);
  const out: Record<string, bigint> = {};
  for (const field of record.fields) {
    const raw = bits & ((1n << BigInt(field.bits)) - 1n);
    const negative = field.signed && raw >> BigInt(field.bits - 1) === 1n;
    out[field.name] = negative ? raw - (1n << BigInt(field.bits)) : raw;
    bits >>= BigInt(field.bits);
  }
  return out;
}

/** Encodes one record (the inverse of decodeRecord): what an engine streams for these values. */
export function encodeRecord(record: RecordSpec, values: Record<string, bigint>): Uint8Array {
  let bits = 0n;
  let shift = 0n;
  for (const field of record.fields) {
    const width = BigInt(field.bits);
    const value = values[field.name];
    if (value === undefined) throw new Error(`record ${record.name}: field ${field.name} has no value`);
    const low = field.signed ? -(1n << (width - 1n)) : 0n;
    const high = field.signed ? (1n << (width - 1n)) - 1n : (1n << width) - 1n;
    if (value < low || value > high) throw new Error(`record ${record.name}: ${field.name} = ${value} does not fit`);
    bits |= (value & ((1n << width) - 1n)) << shift;
    shift += width;
  }
  const out = new Uint8Array(recordBytes(record));
  for (let i = 0; i < out.length; i++) out[i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** A named Verilog constant generated from a contract. */
export interface VerilogConstant {
  name: string;
  width: number;
  value: number;
  comment: string;
}

/** REG_<NAME> addresses, MEM_<NAME> indices, <DESIGN>_ID, and <REG>_<FIELD>_LSB / _BITS of packed fields. */
export function verilogConstants(contract: Contract): VerilogConstant[] {
  const out: VerilogConstant[] = [
    {
      name: `${contract.design.toUpperCase()}_ID`,
      width: 32,
      value: idValue(contract.id),
      comment: `"${contract.id}"`,
    },
  ];
  for (const [name, spec] of Object.entries(contract.registers)) {
    const suffix = spec.block ? '_BASE' : '';
    out.push({
      name: `REG_${name}${suffix}`,
      width: 16,
      value: spec.address,
      comment: `${spec.kind}: ${firstClause(spec.doc)}`,
    });
    if (spec.stride)
      out.push({ name: `REG_${name}_STRIDE`, width: 16, value: spec.stride, comment: `registers per ${name} entry` });
  }
  for (const [name, spec] of Object.entries(contract.memories)) {
    out.push({ name: `MEM_${name.toUpperCase()}`, width: 8, value: spec.index, comment: firstClause(spec.doc) });
  }
  const record = contract.stream.record;
  if (record) {
    // Where each field of a stream record sits (bit offset from the first byte's least significant bit).
    const prefix = record.name.toUpperCase();
    let lsb = 0;
    for (const field of record.fields) {
      out.push(
        {
          name: `${prefix}_${field.name.toUpperCase()}_LSB`,
          width: 16,
          value: lsb,
          comment: `${record.name} record: ${firstClause(field.doc)}`,
        },
        { name: `${prefix}_${field.name.toUpperCase()}_BITS`, width: 16, value: field.bits, comment: `its width` },
      );
      lsb += field.bits;
    }
  }
  for (const [register, fields] of Object.entries(contract.fields ?? {})) {
    let lsb = 0;
    for (const field of fields) {
      out.push({
        name: `${register}_${field.name}_LSB`,
        width: 8,
        value: lsb,
        comment: `${register}[${lsb + field.bits - 1}:${lsb}]`,
      });
      lsb += field.bits;
    }
  }
  return out;
}

/** An include file for a hand-written engine: the same constants as localparams. */
export function verilogInclude(contract: Contract, source: string): string {
  const lines = verilogConstants(contract).map(
    (c) => `localparam [${c.width - 1}:0] ${c.name} = ${c.width}'h${c.value.toString(16)};  // ${c.comment}`,
  );
  return [
    `// ${contract.design} register map, generated by spinbit from ${source}. Do not edit: change the contract.`,
    '// Included inside the engine module, so every name is local to it. It declares the whole map, of which an',
    '// engine may use a part: unused names are not a defect here.',
    '/* verilator lint_off UNUSEDPARAM */',
    ...lines,
    '/* verilator lint_on UNUSEDPARAM */',
    '',
  ].join('\n');
}

/** The doc text up to its first ';' or '(' (a line comment's worth). */
export function firstClause(doc: string): string {
  return doc.split(/[;(]/)[0]!.trim();
}

const escapePipes = (text: string) => text.replaceAll('|', '\\|');

/** The register, memory and record tables of a contract as Markdown (docs/ embeds them). */
export function markdownTables(contract: Contract): string {
  const registers = Object.entries(contract.registers)
    .sort(([, a], [, b]) => a.address - b.address)
    .map(([name, r]) => {
      const where = r.block ? `${r.address} … ${r.address} + ${escapePipes(r.block)} − 1` : String(r.address);
      const access = { constant: 'r', storage: 'rw', status: 'r', action: r.readBack ? 'rw' : 'w' }[r.kind];
      const width = r.width ?? 32;
      const reset = r.kind === 'storage' ? `0x${(r.reset ?? 0).toString(16)}` : '';
      return `| ${where} | ${name} | ${access} | ${r.kind} | ${width} | ${reset} | ${escapePipes(r.doc)} |`;
    });
  const memories = Object.entries(contract.memories)
    .sort(([, a], [, b]) => a.index - b.index)
    .map(
      ([name, m]) =>
        `| ${m.index} | ${name} | ${escapePipes(String(m.wordBits))} | ` +
        `${escapePipes(m.depth)} | ${escapePipes(m.doc)} |`,
    );
  const out = [
    `Registers of \`${contract.design}\` (32-bit, READ_REGS / WRITE_REG; ` +
      `ID reads "${contract.id}" = 0x${idValue(contract.id).toString(16)}):`,
    '',
    '| address | name | access | kind | bits | reset | meaning |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...registers,
  ];
  for (const [register, fields] of Object.entries(contract.fields ?? {})) {
    let lsb = 0;
    const parts = fields.map((f) => {
      const text = `[${lsb + f.bits - 1}:${lsb}] ${f.name} (${f.doc})`;
      lsb += f.bits;
      return text;
    });
    out.push('', `${register} fields, least significant first: ${parts.join(', ')}.`);
  }
  out.push('', 'Memories (READ_MEM / WRITE_MEM, words little endian):', '');
  out.push('| index | name | word bits | depth (words) | contents |', '| --- | --- | --- | --- | --- |', ...memories);
  out.push('', `Stream: ${contract.stream.doc}`);
  const record = contract.stream.record;
  if (record) {
    out.push(
      '',
      `Record \`${record.name}\` (${recordBytes(record)} bytes, little endian; ${escapePipes(record.doc)}):`,
      '',
    );
    out.push('| bits | field | type | meaning |', '| --- | --- | --- | --- |');
    let lsb = 0;
    for (const f of record.fields) {
      out.push(
        `| ${lsb + f.bits - 1}:${lsb} | ${f.name} | ${f.signed ? 'int' : 'uint'}${f.bits} | ${escapePipes(f.doc)} |`,
      );
      lsb += f.bits;
    }
  }
  return out.join('\n');
}
