/**
 * Every option the `spinbit` commands share, in one place (as apio keeps its shared options): the same name
 * means the same thing on every command. `--board` always has the board list as choices, `--out` is always a
 * folder, `--json` always a file ('-' for standard output), `--model` always a model file, `--seed` always a
 * 32-bit integer. A design's build options come from the design's own option list, on build, lint, sim,
 * board-sim and run alike. Renamed options keep their old spelling for one release, with a warning.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { BOARDS } from '../boards/index.ts';
import type { DesignOption, DesignOptions } from '../design/design.ts';

/** A number parser for commander: `kind` decides what is accepted, the message names the flag. */
export function numberParser(flag: string, kind: 'number' | 'integer' | 'positive' | 'seed' = 'number') {
  return (text: string): number => {
    const value = Number(text);
    const ok =
      text.trim() !== '' &&
      Number.isFinite(value) &&
      (kind === 'number' ||
        (Number.isInteger(value) &&
          (kind === 'integer' || (kind === 'positive' ? value >= 1 : value >= 0 && value < 2 ** 32))));
    if (ok) return value;
    const want = {
      number: 'a number',
      integer: 'an integer',
      positive: 'a positive integer',
      seed: 'an integer in 0 … 2^32 − 1',
    }[kind];
    throw new InvalidArgumentError(`${flag} must be ${want}, got '${text}'`);
  };
}

export function boardOption(description = 'target board'): Option {
  return new Option('-b, --board <name>', description).choices(Object.keys(BOARDS)).default('icebreaker');
}

export function seedOption(description: string, fallback = 1): Option {
  return new Option('--seed <n>', description).argParser(numberParser('--seed', 'seed')).default(fallback);
}

export function countOption(flag: string, description: string, fallback: number): Option {
  return new Option(`${flag} <count>`, description).argParser(numberParser(flag, 'positive')).default(fallback);
}

export function outDirOption(description: string, fallback?: string): Option {
  const option = new Option('-o, --out <dir>', `output folder: ${description}`);
  return fallback === undefined ? option : option.default(fallback);
}

export function jsonOption(description: string): Option {
  return new Option('--json <file>', `write ${description} as JSON to <file> ('-': standard output)`);
}

export function portOption(description = 'serial port, e.g. /dev/ttyUSB1 or a virtual board pty'): Option {
  return new Option('-p, --port <path>', description);
}

export function baudOption(description: string, fallback?: number): Option {
  const option = new Option('--baud <n>', description).argParser(numberParser('--baud', 'positive'));
  return fallback === undefined ? option : option.default(fallback);
}

/** --netlist: the virtual board runs the routed netlist of the matching build instead of the RTL. */
export function netlistOption(): Option {
  return new Option(
    '--netlist',
    'with the virtual board: simulate the routed netlist of the matching build (built first when missing)',
  );
}

/** --ref / --sim / --port / --check: where a `run` command runs (run/target.ts turns them into a Target). */
export function addTargetOptions(command: Command, what: string): Command {
  return command
    .option('--ref', `run the bit-exact reference model on this machine`)
    .option('--sim', `run the ${what} RTL on the virtual board (Verilator behind a pty)`)
    .addOption(netlistOption())
    .addOption(portOption(`run on a board flashed with the matching \`spinbit build\` bitstream`))
    .option('--check', 'with --sim / --port: require results bit-identical to the reference model');
}

/** commander's attribute name of a long flag: 'clock-mhz' → 'clockMhz'. */
export function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A design's option as a commander option, validated as the design declares it. */
export function designOption(option: DesignOption): Option {
  const placeholder = option.type === 'choice' ? 'name' : option.type === 'integer' ? 'n' : 'x';
  const flag = new Option(`--${option.name} <${placeholder}>`, option.description);
  if (option.type === 'choice') flag.choices(option.choices ?? []);
  else flag.argParser(numberParser(`--${option.name}`, option.type === 'integer' ? 'integer' : 'number'));
  if (option.defaultValue !== undefined) flag.default(option.defaultValue);
  return flag;
}

/** Adds a design's options (all, or all but `skip`) to a command. */
export function addDesignOptions(command: Command, options: DesignOption[], skip: string[] = []): Command {
  for (const option of options.filter((o) => !skip.includes(o.name))) command.addOption(designOption(option));
  return command;
}

/** The design options a command's parsed flags carry (by the design's option names). */
export function pickDesignOptions(flags: Record<string, unknown>, options: DesignOption[]): DesignOptions {
  const picked: DesignOptions = {};
  for (const option of options) {
    const value = flags[camel(option.name)];
    if (value !== undefined) picked[option.name] = value as number | string;
  }
  return picked;
}

export function warn(message: string): void {
  console.error(`spinbit: warning: ${message}`);
}

/**
 * Keeps a renamed option's old spelling for one release: hidden from --help, it warns and hands its value to
 * the new option (through `convert` when the meaning changed shape).
 */
export function deprecatedAlias(
  command: Command,
  oldFlags: string,
  replacement: { flag: string; attribute: string },
  convert: (value: string) => unknown = (value) => value,
): Command {
  const old = new Option(oldFlags).hideHelp();
  command.addOption(old);
  command.hook('preAction', (self) => {
    const value = self.getOptionValue(old.attributeName()) as string | undefined;
    if (value === undefined) return;
    warn(`${old.long} is deprecated and goes away in the next release; use ${replacement.flag}`);
    self.setOptionValue(replacement.attribute, convert(value));
  });
  return command;
}

/** Writes `value` as JSON to a file (atomically) or, for '-', to standard output. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (file === '-') {
    process.stdout.write(text);
    return;
  }
  const { writeFileAtomic } = await import('../util/files.ts');
  writeFileAtomic(file, text);
}
