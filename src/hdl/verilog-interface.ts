/**
 * Reads the interface of a Verilog-2005 module — overridable parameters with their defaults, ports with
 * direction and width — from its source, so instances of hand-written cells and vendor primitives are
 * checked (Module.instance) against the real header instead of a hand-typed copy that can drift.
 *
 * Why we parse headers ourselves: the npm registry has no Verilog front end that gives port widths; its one
 * Verilog parser, tree-sitter-verilog, is a grammar for the native tree-sitter bindings and yields a syntax
 * tree, with width expressions still to evaluate. Yosys (`write_json`) gives exact widths, but it is an
 * asynchronous WebAssembly run per parameter set (about 0.8 s even for sync_fifo), while Module.instance
 * checks widths synchronously at whatever parameter values a design picks. Headers use little Verilog: only
 * that subset is read, and anything else is an error that says where and what.
 */
import type { CellInterface, Direction } from './module.ts';

interface Token {
  kind: 'number' | 'string' | 'name' | 'symbol';
  text: string;
  /** Offsets into the source, for error lines and for keeping a default's literal text. */
  start: number;
  end: number;
}

/** A compiled constant expression; `names` are the identifiers it reads. */
interface Expr {
  names: Set<string>;
  evaluate(value: (name: string) => bigint): bigint;
}

type Port = CellInterface['ports'][string];

/** Largest literal width kept as a number: wider parameter defaults stay Verilog text (Number is exact to 2^53). */
const NUMBER_BITS = 53;

// Comments, attributes `(* … *)` and backtick directives (to the end of their line; both `ifdef branches
// stay) are blanked out with spaces of the same length, so token offsets still give line numbers.
const NOISE = /("(?:\\.|[^"\\\n])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\/|\(\*(?!\))[\s\S]*?\*\)|`[A-Za-z_]\w*[^\n]*/g;
const TOKEN = new RegExp(
  [
    String.raw`\s*(?:(?<number>(?:\d[\d_]*\s*)?'[sS]?[bodhBODH]\s*[\dA-Fa-fxXzZ?_]+|\d[\d_]*(?:\.\d+)?)`,
    String.raw`(?<string>"(?:\\.|[^"\\\n])*")`,
    String.raw`(?<name>\$?[A-Za-z_][\w$]*)`,
    String.raw`(?<symbol><<|>>|<=|>=|==|!=|&&|\|\||\*\*|\S))`,
  ].join('|'),
  'y',
);

/**
 * The interface of `moduleName` (default: the first module) in `source`. Port widths that depend on
 * parameters become functions of the instance's numeric parameter values; they return NaN when a parameter
 * they read has no numeric value. `origin` (a file name) goes into error messages.
 */
export function readModuleInterface(source: string, moduleName?: string, origin = 'Verilog source'): CellInterface {
  const text = source.replace(NOISE, (match, literal?: string) => literal ?? match.replace(/[^\n]/g, ' '));
  const modules = [...text.matchAll(/\b(?:macro)?module\s+([A-Za-z_]\w*)/g)];
  const found = moduleName === undefined ? modules[0] : modules.find((m) => m[1] === moduleName);
  if (!found) {
    const names = modules.map((m) => m[1]).join(', ') || 'none';
    throw new Error(`${origin}: no module ${moduleName ?? 'declaration'} found (modules: ${names})`);
  }
  const end = text.slice(found.index).search(/\bendmodule\b/);
  if (end < 0) throw new Error(`${origin}: module ${found[1]} has no endmodule`);
  const tokens = tokenize(text, found.index, found.index + end, `${origin}: module ${found[1]}`);
  return new HeaderReader(tokens, text, `${origin}: module ${found[1]}`).read();
}

function tokenize(text: string, from: number, to: number, where: string): Token[] {
  const tokens: Token[] = [];
  const slice = text.slice(0, to);
  let at = from;
  TOKEN.lastIndex = at;
  for (let match = TOKEN.exec(slice); match; match = TOKEN.exec(slice)) {
    const [kind, value] = Object.entries(match.groups!).find(([, v]) => v !== undefined)!;
    at = TOKEN.lastIndex;
    tokens.push({ kind: kind as Token['kind'], text: value!, start: at - value!.length, end: at });
  }
  if (slice.slice(at).trim() !== '') throw new Error(`${where}: cannot read the text at offset ${at}`);
  return tokens;
}

class HeaderReader {
  private pos = 0;
  private readonly params: Record<string, number | string> = {};
  private readonly ports: Record<string, Port> = {};
  /** The port declaration a bare name after a comma continues (`input wire a, b`). */
  private declaration?: Port;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly where: string,
  ) {}

  read(): CellInterface {
    this.next(); // module / macromodule
    const name = this.identifier('a module name').text;
    const headerParams = this.accept('#');
    if (headerParams) this.list('parameter', () => this.parameter());
    if (this.peek()?.text === '(') this.list('port', () => this.port());
    this.expect(';', 'after the module header');
    // A module with a `#( … )` list has no other overridable parameters (body `parameter`s are then local).
    if (!headerParams) this.bodyParameters();
    return { name, params: this.params, ports: this.ports };
  }

  /** `( item, item, … )` */
  private list(what: string, item: () => void): void {
    this.expect('(', `to open the ${what} list`);
    if (this.accept(')')) return;
    do item();
    while (this.accept(','));
    this.expect(')', `to close the ${what} list`);
  }

  /** `[parameter] [type] [range] NAME = default` (a bare `NAME = default` after a comma is one too). */
  private parameter(): void {
    const keyword = this.peek()?.text;
    if (keyword === 'localparam') this.fail('localparam in a parameter port list is not supported');
    if (keyword === 'parameter') this.next();
    while (['integer', 'signed', 'real', 'realtime', 'time'].includes(this.peek()?.text ?? '')) this.next();
    if (this.peek()?.text === '[') this.range();
    const name = this.identifier('a parameter name');
    if (name.text in this.params) this.fail(`parameter ${name.text} is declared twice`, name);
    this.expect('=', `after parameter ${name.text}`);
    this.params[name.text] = this.defaultValue(name.text);
  }

  /** A string literal stays Verilog text; a number too when it is wider than NUMBER_BITS. */
  private defaultValue(param: string): number | string {
    const first = this.pos;
    if (this.peek()?.kind === 'string') return this.next().text;
    const expr = this.expression();
    const literal = this.text.slice(this.tokens[first]!.start, this.tokens[this.pos - 1]!.end);
    if (this.tokens.slice(first, this.pos).some(isWideLiteral)) return literal;
    const values = this.numericParams();
    this.checkNames(expr.names, values, `the default of ${param}`);
    const value = this.attempt(`the default of ${param}`, () => expr.evaluate((name) => BigInt(values[name]!)));
    return abs(value) > BigInt(Number.MAX_SAFE_INTEGER) ? literal : Number(value);
  }

  /** `input|output [wire|reg] [signed] [range] NAME`; a bare NAME continues the previous declaration. */
  private port(): void {
    const token = this.peek();
    if (token?.text === 'inout') this.fail('inout ports are not supported (CellInterface ports are inputs or outputs)');
    if (token?.text === 'input' || token?.text === 'output') {
      const direction: Direction = token.text;
      this.next();
      while (['wire', 'reg', 'tri', 'logic', 'signed'].includes(this.peek()?.text ?? '')) this.next();
      this.declaration = { direction, width: this.peek()?.text === '[' ? this.width(this.range()) : 1 };
    }
    if (!this.declaration) this.fail('non-ANSI port lists are not supported: declare directions in the header');
    const name = this.identifier('a port name');
    if (name.text in this.ports) this.fail(`port ${name.text} is declared twice`, name);
    this.ports[name.text] = { ...this.declaration };
  }

  /** Scans the module body for `parameter` declarations, skipping functions and tasks. */
  private bodyParameters(): void {
    while (this.pos < this.tokens.length) {
      const word = this.next().text;
      if (word === 'function' || word === 'task') this.skipTo(`end${word}`);
      if (word !== 'parameter') continue;
      this.pos--;
      do this.parameter();
      while (this.accept(','));
      this.expect(';', 'after a parameter declaration');
    }
  }

  private skipTo(word: string): void {
    while (this.pos < this.tokens.length && this.next().text !== word);
  }

  /** `[msb:lsb]` as two expressions. */
  private range(): [Expr, Expr] {
    this.expect('[', 'to open a range');
    const msb = this.expression();
    this.expect(':', 'in a range [msb:lsb]');
    const lsb = this.expression();
    this.expect(']', 'to close a range');
    return [msb, lsb];
  }

  /** A port width: a number when constant, else a function of the instance's parameter values. */
  private width([msb, lsb]: [Expr, Expr]): Port['width'] {
    const names = new Set([...msb.names, ...lsb.names]);
    for (const name of names) {
      if (!(name in this.params)) this.fail(`a port width uses '${name}', which is not a parameter`);
    }
    const width = (value: (name: string) => bigint) => Number(abs(msb.evaluate(value) - lsb.evaluate(value)) + 1n);
    if (names.size === 0) return this.attempt('a port width', () => width(() => 0n));
    // Evaluated once at the defaults, so a width that cannot be computed fails here rather than per instance.
    const defaults = this.numericParams();
    if ([...names].every((n) => n in defaults)) this.attempt('a port width', () => width((n) => BigInt(defaults[n]!)));
    return (params) => {
      const missing = [...names].some((n) => !Number.isSafeInteger(params[n]));
      return missing ? NaN : width((n) => BigInt(params[n]!));
    };
  }

  private numericParams(): Record<string, number> {
    const numeric = Object.entries(this.params).filter(([, v]) => typeof v === 'number');
    return Object.fromEntries(numeric) as Record<string, number>;
  }

  private checkNames(names: Set<string>, values: Record<string, number>, what: string): void {
    for (const name of names) {
      if (!(name in values)) this.fail(`${what} uses '${name}', which is not a parameter with a numeric value`);
    }
  }

  /** Runs `compute`, turning an evaluation error (division by zero…) into a parse error. */
  private attempt<T>(what: string, compute: () => T): T {
    try {
      return compute();
    } catch (error) {
      return this.fail(`cannot evaluate ${what}: ${(error as Error).message}`);
    }
  }

  // Expressions: ternary, binary operators by Verilog precedence, unary - + !, $clog2, parentheses.
  private expression(): Expr {
    const condition = this.binary(0);
    if (!this.accept('?')) return condition;
    const then = this.expression();
    this.expect(':', 'in a ? : expression');
    const otherwise = this.expression();
    return {
      names: new Set([...condition.names, ...then.names, ...otherwise.names]),
      evaluate: (v) => (condition.evaluate(v) !== 0n ? then.evaluate(v) : otherwise.evaluate(v)),
    };
  }

  private binary(minPrecedence: number): Expr {
    let left = this.unary();
    for (;;) {
      const op = BINARY.get(this.peek()?.text ?? '');
      if (!op || op[0] < minPrecedence) return left;
      this.next();
      const [precedence, apply] = op;
      const right = this.binary(apply === power ? precedence : precedence + 1); // ** is right-associative
      const l = left;
      left = { names: new Set([...l.names, ...right.names]), evaluate: (v) => apply(l.evaluate(v), right.evaluate(v)) };
    }
  }

  private unary(): Expr {
    const op = this.peek()?.text;
    if (op !== '-' && op !== '+' && op !== '!') return this.primary();
    this.next();
    const operand = this.unary();
    const apply = { '-': (x: bigint) => -x, '+': (x: bigint) => x, '!': (x: bigint) => flag(x === 0n) }[op];
    return { names: operand.names, evaluate: (v) => apply(operand.evaluate(v)) };
  }

  private primary(): Expr {
    const token = this.next();
    if (token.kind === 'number') {
      const value = literalValue(token.text);
      if (typeof value === 'string') this.fail(value, token);
      return { names: new Set(), evaluate: () => value };
    }
    if (token.text === '(') {
      const inner = this.expression();
      this.expect(')', 'to close a parenthesis');
      return inner;
    }
    if (token.text === '$clog2') {
      this.expect('(', 'after $clog2');
      const argument = this.expression();
      this.expect(')', 'to close $clog2(');
      return { names: argument.names, evaluate: (v) => clog2(argument.evaluate(v)) };
    }
    if (token.kind === 'name' && !token.text.startsWith('$')) {
      return { names: new Set([token.text]), evaluate: (v) => v(token.text) };
    }
    return this.fail(`expected a constant expression, found '${token.text}'`, token);
  }

  private identifier(what: string): Token {
    const token = this.next();
    const isName = token.kind === 'name' && !token.text.startsWith('$') && !RESERVED.has(token.text);
    if (!isName) this.fail(`expected ${what}, found '${token.text}'`, token);
    return token;
  }

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (!token) this.fail('the module header ends too early');
    this.pos++;
    return token;
  }

  private accept(text: string): boolean {
    if (this.peek()?.text !== text) return false;
    this.pos++;
    return true;
  }

  private expect(text: string, why: string): void {
    const token = this.peek();
    const found = token ? `'${token.text}'` : 'the end of the header';
    if (!this.accept(text)) this.fail(`expected '${text}' ${why}, found ${found}`, token);
  }

  private fail(message: string, token = this.tokens[Math.min(this.pos, this.tokens.length - 1)]): never {
    const line = token ? this.text.slice(0, token.start).split('\n').length : 0;
    throw new Error(`${this.where}, line ${line}: ${message}`);
  }
}

const flag = (condition: boolean): bigint => (condition ? 1n : 0n);
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const power = (a: bigint, b: bigint): bigint => a ** b;

function clog2(x: bigint): bigint {
  let bits = 0n;
  while (1n << bits < x) bits++;
  return bits;
}

/** Operator → [precedence, function], by Verilog-2005 table 5-4 (higher binds tighter). */
const BINARY = new Map<string, [number, (a: bigint, b: bigint) => bigint]>([
  ['||', [1, (a, b) => flag(a !== 0n || b !== 0n)]],
  ['&&', [2, (a, b) => flag(a !== 0n && b !== 0n)]],
  ['==', [3, (a, b) => flag(a === b)]],
  ['!=', [3, (a, b) => flag(a !== b)]],
  ['<', [4, (a, b) => flag(a < b)]],
  ['<=', [4, (a, b) => flag(a <= b)]],
  ['>', [4, (a, b) => flag(a > b)]],
  ['>=', [4, (a, b) => flag(a >= b)]],
  ['<<', [5, (a, b) => a << b]],
  ['>>', [5, (a, b) => a >> b]],
  ['+', [6, (a, b) => a + b]],
  ['-', [6, (a, b) => a - b]],
  ['*', [7, (a, b) => a * b]],
  ['/', [7, (a, b) => a / b]],
  ['%', [7, (a, b) => a % b]],
  ['**', [8, power]],
]);

/** Keywords that can stand where the header expects a name, so they must not be taken for one. */
const RESERVED = new Set(
  'module endmodule input output inout wire reg integer real time parameter localparam signed function task'.split(' '),
);

function isWideLiteral(token: Token): boolean {
  return token.kind === 'number' && (literalSize(token.text) ?? 0) > NUMBER_BITS;
}

/** Bit width of a sized literal such as 128'h0; undefined when unsized. */
function literalSize(literal: string): number | undefined {
  const size = /^(\d[\d_]*)\s*'/.exec(literal);
  return size ? Number(size[1]!.replaceAll('_', '')) : undefined;
}

/** Value of an integer literal, or a message saying why it has none. */
function literalValue(literal: string): bigint | string {
  const based = /'[sS]?([bodhBODH])\s*(.+)$/.exec(literal);
  const digits = (based ? based[2]! : literal).replaceAll('_', '');
  if (/[xXzZ?]/.test(digits)) return `x/z digits in '${literal}' have no integer value`;
  if (!based && digits.includes('.')) return `real number '${literal}' is not supported`;
  const prefix = { b: '0b', o: '0o', d: '', h: '0x' }[(based?.[1] ?? 'd').toLowerCase() as 'b' | 'o' | 'd' | 'h'];
  try {
    const value = BigInt(prefix + digits);
    const size = literalSize(literal);
    return size === undefined ? value : BigInt.asUintN(size, value); // 4'hff is 15, as in Verilog
  } catch {
    return `'${literal}' is not a valid number`;
  }
}
