/**
 * A thin typed layer for describing Verilog modules: ports, parameters, signals and instances are data (so
 * names, widths and connections are checked here, in TypeScript), while behaviour is written as ordinary,
 * readable Verilog in `body` blocks. `emitVerilog` (emit.ts) turns a Module into Verilog-2005 text.
 */

export type Direction = 'input' | 'output';

export interface Port {
  name: string;
  direction: Direction;
  width: number;
  /** Outputs driven from an always block are declared `output reg`. */
  isReg: boolean;
  comment?: string;
}

export interface Signal {
  name: string;
  kind: 'wire' | 'reg';
  width: number;
  comment?: string;
}

export interface Constant {
  name: string;
  /** A number, or a Verilog expression of earlier parameters. */
  value: number | string;
  /** Declared width of a localparam (`localparam [w-1:0]`); plain `integer` when absent. */
  width?: number;
  comment?: string;
  overridable: boolean;
}

/** The interface of something instantiable: a hand-written leaf cell in hdl/ or a generated Module. */
export interface CellInterface {
  name: string;
  /** Parameter names with their default values (strings for vendor primitives' string parameters). */
  params: Record<string, number | string>;
  /** Port widths may depend on the instance's parameter values. */
  ports: Record<string, { direction: Direction; width: number | ((params: Record<string, number>) => number) }>;
  /** Ports an instance may leave out (vendor primitives whose unused pins the tools tie off). */
  optionalPorts?: ReadonlySet<string>;
}

export interface Instance {
  cell: CellInterface;
  name: string;
  params: Record<string, number | string>;
  /** Port name → connected expression; null leaves an output unconnected. */
  connections: Record<string, string | null>;
  comment?: string;
}

export type Item =
  | { kind: 'signal'; signal: Signal }
  | { kind: 'instance'; instance: Instance }
  | { kind: 'body'; text: string }
  | { kind: 'blank' };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERILOG_KEYWORDS = new Set(
  (
    'always and assign begin buf case default define else end endcase endmodule for function generate ' +
    'if initial inout input integer localparam module negedge nor not or output parameter posedge reg ' +
    'signed task wire xor xnor'
  ).split(' '),
);

export class HdlError extends Error {
  override name = 'HdlError';
}

export class Module {
  readonly ports: Port[] = [];
  readonly constants: Constant[] = [];
  readonly items: Item[] = [];
  private readonly names = new Map<string, number | undefined>(); // name → width (undefined for non-signals)

  /** `doc` lines become the comment above the module: say what it is for and why it is built this way. */
  constructor(
    readonly name: string,
    readonly doc: string[] = [],
  ) {
    checkIdentifier(name, 'module name');
  }

  /**
   * An overridable module parameter: `parameter integer NAME = value`, or with `width` a sized vector
   * `parameter [width-1:0] NAME = value` (value then a Verilog literal such as 127'h1f).
   */
  parameter(name: string, value: number | string, comment?: string, width?: number): this {
    this.declare(name, undefined);
    this.constants.push({ name, value, width, comment, overridable: true });
    return this;
  }

  /** A named constant (`localparam`), so the body never carries unexplained numbers. */
  localparam(name: string, value: number | string, comment?: string, width?: number): this {
    this.declare(name, undefined);
    this.constants.push({ name, value, width, comment, overridable: false });
    return this;
  }

  input(name: string, width = 1, comment?: string): this {
    this.declare(name, width);
    this.ports.push({ name, direction: 'input', width, isReg: false, comment });
    return this;
  }

  output(name: string, width = 1, comment?: string, options: { reg?: boolean } = {}): this {
    this.declare(name, width);
    this.ports.push({ name, direction: 'output', width, isReg: options.reg ?? false, comment });
    return this;
  }

  wire(name: string, width = 1, comment?: string): this {
    return this.signal({ name, kind: 'wire', width, comment });
  }

  reg(name: string, width = 1, comment?: string): this {
    return this.signal({ name, kind: 'reg', width, comment });
  }

  /**
   * Instantiate a cell. Every cell port must be connected (null marks an output left open on purpose), except
   * the cell's optionalPorts;
   * a connection to a plain signal name is checked for width against the cell's port.
   */
  instance(
    cell: CellInterface,
    name: string,
    connections: Record<string, string | null>,
    params: Record<string, number | string> = {},
    comment?: string,
  ): this {
    this.declare(name, undefined);
    for (const p of Object.keys(params)) {
      if (!(p in cell.params)) {
        throw new HdlError(
          `${this.name}.${name}: ${cell.name} has no parameter '${p}' (has: ${Object.keys(cell.params).join(', ')})`,
        );
      }
    }
    // Parameter values as numbers where known: literals, or names of this module's numeric constants.
    const numericParams: Record<string, number> = {};
    for (const [p, v] of Object.entries({ ...cell.params, ...params })) {
      const constant = typeof v === 'string' ? this.constants.find((c) => c.name === v) : undefined;
      if (typeof v === 'number') numericParams[p] = v;
      else if (constant && typeof constant.value === 'number') numericParams[p] = constant.value;
    }
    for (const [port, expr] of Object.entries(connections)) {
      const spec = cell.ports[port];
      if (!spec) {
        throw new HdlError(
          `${this.name}.${name}: ${cell.name} has no port '${port}' (has: ${Object.keys(cell.ports).join(', ')})`,
        );
      }
      if (expr === null) {
        if (spec.direction === 'input')
          throw new HdlError(`${this.name}.${name}: input port '${port}' must be connected`);
        continue;
      }
      const width = typeof spec.width === 'number' ? spec.width : spec.width(numericParams);
      if (!Number.isInteger(width)) {
        throw new HdlError(
          `${this.name}.${name}.${port}: width of ${cell.name}.${port} ` +
            'depends on a parameter given as an expression; pass a number or a numeric localparam',
        );
      }
      const signalWidth = IDENTIFIER.test(expr) ? this.names.get(expr) : undefined;
      if (IDENTIFIER.test(expr) && !this.names.has(expr)) {
        throw new HdlError(`${this.name}.${name}.${port}: '${expr}' is not declared in ${this.name}`);
      }
      if (signalWidth !== undefined && signalWidth !== width) {
        throw new HdlError(
          `${this.name}.${name}.${port}: ${cell.name}.${port} is ${width} bits but '${expr}' is ${signalWidth}`,
        );
      }
    }
    const missing = Object.keys(cell.ports).filter((p) => !(p in connections) && !cell.optionalPorts?.has(p));
    if (missing.length > 0) throw new HdlError(`${this.name}.${name}: ports not connected: ${missing.join(', ')}`);
    // Optional ports left out are dropped from the instance's cell, so the emitted text leaves them out too.
    const used = cell.optionalPorts
      ? { ...cell, ports: Object.fromEntries(Object.entries(cell.ports).filter(([p]) => p in connections)) }
      : cell;
    this.items.push({ kind: 'instance', instance: { cell: used, name, params, connections, comment } });
    return this;
  }

  /** Readable Verilog statements (always blocks, assigns). Indentation is normalised on emit. */
  body(text: string): this {
    this.items.push({ kind: 'body', text });
    return this;
  }

  assign(target: string, expression: string): this {
    return this.body(`assign ${target} = ${expression};`);
  }

  /** An empty line between groups of declarations. */
  blank(): this {
    this.items.push({ kind: 'blank' });
    return this;
  }

  /** Width of a declared port or signal. */
  widthOf(name: string): number {
    const width = this.names.get(name);
    if (width === undefined) throw new HdlError(`${this.name}: no signal '${name}'`);
    return width;
  }

  /** This module's interface, for instantiating it inside another generated module. */
  get asCell(): CellInterface {
    const params: Record<string, number | string> = {};
    for (const c of this.constants) if (c.overridable) params[c.name] = c.value;
    const ports: CellInterface['ports'] = {};
    for (const p of this.ports) ports[p.name] = { direction: p.direction, width: p.width };
    return { name: this.name, params, ports };
  }

  private signal(signal: Signal): this {
    this.declare(signal.name, signal.width);
    this.items.push({ kind: 'signal', signal });
    return this;
  }

  private declare(name: string, width: number | undefined): void {
    checkIdentifier(name, `name in ${this.name}`);
    if (this.names.has(name)) throw new HdlError(`${this.name}: '${name}' is declared twice`);
    if (width !== undefined && (!Number.isInteger(width) || width < 1)) {
      throw new HdlError(`${this.name}.${name}: width must be a positive integer, got ${width}`);
    }
    this.names.set(name, width);
  }
}

function checkIdentifier(name: string, what: string): void {
  if (!IDENTIFIER.test(name) || VERILOG_KEYWORDS.has(name)) throw new HdlError(`invalid ${what}: '${name}'`);
}
