/**
 * The `spinbit` command. Subcommands per design are generated from the design registry, so every design's
 * options appear in `--help` and unknown options are refused by name. Exit codes: 0 success, 2 something
 * the user can fix (bad input, does not fit, misses timing), 1 a tool failure or a bug.
 */
import { Command, CommanderError, Option } from 'commander';
import { BOARDS, getBoard } from '../boards/index.ts';
import { DESIGNS, loadDesign } from '../cores/index.ts';
import type { ElaboratedDesign, RegisteredDesign } from '../design/design.ts';
import type { OwnDesign } from '../cores/define.ts';
import { designPathIn } from './design-path.ts';
import { targetFromFlags, targetMode, type BoardTarget } from '../run/target.ts';
import { UserError } from '../errors.ts';
import { buildBitstream, defaultOutDir } from '../flow/build.ts';
import { lint } from '../../sim/verilator.ts';
import { lintStubs } from '../boards/primitives.ts';
import { StagePrinter, formatReport } from './progress.ts';
import { addRunIsing } from './run-ising.ts';
import { addModelCommands, addRunBdcgan } from './run-bdcgan.ts';
import { addTrainCommands } from './train.ts';
import { addBoardTools } from './board-tools.ts';
import {
  addDesignOptions,
  baudOption,
  boardOption,
  numberParser,
  outDirOption,
  pickDesignOptions,
  portOption,
  netlistOption,
  seedOption,
  warn,
  writeJson,
} from './options.ts';

const EXIT_USER = 2;

/** Adds `<parent> <design>` subcommands, one per design (built in, or loaded by path), with its options. */
function addDesignSubcommands(
  parent: Command,
  configure: (command: Command, entry: RegisteredDesign) => void,
  action: (entry: RegisteredDesign, elaborated: ElaboratedDesign, flags: Record<string, unknown>) => Promise<void>,
  designs: Record<string, RegisteredDesign>,
): void {
  for (const [name, entry] of Object.entries(designs)) {
    const { design } = entry;
    const command = parent.command(name).description(design.summary).addOption(boardOption());
    addDesignOptions(command, design.options);
    command.addHelpText(
      'after',
      `\nExample:\n  spinbit ${parent.name()} ${name} ${design.exampleOptions ?? '--board icebreaker'}`,
    );
    configure(command, entry);
    command.action(async (flags: Record<string, unknown>) => {
      const elaborated = await entry.elaborate(
        getBoard(flags.board as string),
        pickDesignOptions(flags, design.options),
      );
      await action(entry, elaborated, flags);
    });
  }
  parent.addHelpText(
    'after',
    `\nDesigns: ${Object.keys(DESIGNS).join(', ')}, or a design module's path (docs/own-design.md). ` +
      `Boards: ${Object.keys(BOARDS).join(', ')}.`,
  );
}

/**
 * The command line. `own` is a design loaded by path (`spinbit build ./my-design.ts`): offered under that path
 * next to the built-in designs.
 */
export function createProgram(own?: { path: string; design: OwnDesign }): Command {
  const designs: Record<string, RegisteredDesign> = { ...DESIGNS, ...(own ? { [own.path]: own.design } : {}) };
  const program = new Command('spinbit')
    .description('TypeScript FPGA co-design: generated iCE40 accelerators, YoWASP bitstreams, Verilator co-simulation')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText(
      'after',
      '\nExample:\n  spinbit build loopback --board icebreaker\n  spinbit sim loopback\n  spinbit boards',
    );

  program
    .command('boards')
    .description('list supported boards with their devices, pins and resources')
    .addHelpText('after', '\nExample:\n  spinbit boards')
    .action(() => printBoards());

  program
    .command('designs')
    .description('list the designs spinbit can generate')
    .addHelpText('after', '\nExample:\n  spinbit designs')
    .action(() => {
      for (const { design } of Object.values(DESIGNS)) console.log(`${design.name.padEnd(10)} ${design.summary}`);
    });

  program
    .command('init')
    .description('start a project of your own: an engine in Verilog, its contract, a reference model and a test')
    .argument('<dir>', 'a new (or empty) folder')
    .addHelpText('after', '\nExample:\n  spinbit init my-neuron && cd my-neuron && npm install && npm test')
    .action(async (dir: string) => {
      const { initProject } = await import('./init.ts');
      const made = initProject(dir);
      console.log(`made ${made.dir}: ${made.files.join(', ')}`);
      console.log(`next:\n  cd ${dir}\n  npm install\n  npm test            # the check on the virtual board`);
      console.log('  npx spinbit build ./design.ts --board icebreaker');
    });

  const build = program
    .command('build')
    .description('generate Verilog and build a bitstream: yosys → nextpnr-ice40 → icepack')
    .addHelpText('after', '\nExample:\n  spinbit build loopback --board icebreaker --clock-mhz 24 --baud 3000000');
  addDesignSubcommands(
    build,
    (command) =>
      command
        .addOption(outDirOption('the build (default: build/<design>-<board>)'))
        .addOption(
          new Option('--toolchain <kind>', 'YoWASP from npm, or native binaries from PATH')
            .choices(['yowasp', 'native'])
            .default('yowasp'),
        )
        .option('--force', 'rebuild even when the cached build is current')
        .addOption(
          new Option(
            '--seed <n>',
            'nextpnr placement seed: another may reach a few MHz more (default: 1, then 2–4 if 1 cannot place)',
          ),
        )
        .addOption(
          new Option(
            '--json [file]',
            "also write report.json to <file> ('-': standard output, instead of the summary)",
          ),
        ),
    async (entry, { elaborated }, flags) => {
      const board = elaborated.board;
      let json = flags.json as string | true | undefined;
      if (json === true) {
        warn('--json without a file is deprecated and goes away in the next release; use --json -');
        json = '-';
      }
      const printer = new StagePrinter();
      const result = await buildBitstream(elaborated, {
        outDir: (flags.out as string | undefined) ?? defaultOutDir(entry.design.name, board.name),
        toolchain: flags.toolchain as 'yowasp' | 'native',
        force: Boolean(flags.force),
        seed: flags.seed === undefined ? undefined : Number(flags.seed),
        onEvent: (event) => printer.handle(event),
      }).finally(() => printer.stop());
      if (json) await writeJson(json, result.report);
      if (json !== '-') console.log(formatReport(result.report, result.outDir, result.cached));
    },
    designs,
  );

  const lintCommand = program
    .command('lint')
    .description('generate Verilog and check it with verilator --lint-only -Wall (core and board wrapper)')
    .addHelpText('after', '\nExample:\n  spinbit lint loopback --board icestick');
  addDesignSubcommands(
    lintCommand,
    () => {},
    async (_entry, { elaborated }) => {
      await lint(elaborated.coreSources, elaborated.coreTop);
      await lint(
        { ...elaborated.coreSources, ...elaborated.topSource, 'ice40_lint_stubs.v': lintStubs() },
        elaborated.topName,
      );
      const files = Object.keys({ ...elaborated.coreSources, ...elaborated.topSource }).sort();
      console.log(`lint clean (verilator -Wall): ${files.join(', ')}`);
    },
    designs,
  );

  const sim = program
    .command('sim')
    .description("run the design's self-check in Verilator (the core RTL, exactly as synthesized)")
    .addHelpText('after', '\nExample:\n  spinbit sim loopback --clock-mhz 48 --baud 3000000');
  addDesignSubcommands(
    sim,
    (command) => command.addOption(seedOption('stimulus seed')).addOption(netlistOption()),
    async (entry, elaborated, flags) => {
      const started = performance.now();
      const summary = await elaborated.selfCheck({ seed: flags.seed as number, netlist: Boolean(flags.netlist) });
      const seconds = (performance.now() - started) / 1000;
      const what = flags.netlist ? ' (routed netlist)' : '';
      console.log(
        `${entry.design.name} self-check${what} passed in ${seconds.toFixed(1)} s: ${JSON.stringify(summary)}`,
      );
    },
    designs,
  );

  const boardSim = program
    .command('board-sim')
    .description('serve the design on a virtual board: its RTL in Verilator behind a pseudo-terminal, until Ctrl-C')
    .addHelpText(
      'after',
      '\nExample:\n  spinbit board-sim loopback --link /tmp/spinbit-tty   # then: spinbit info --port /tmp/spinbit-tty',
    );
  addDesignSubcommands(
    boardSim,
    (command) =>
      command
        .option('--link <path>', 'also make <path> a symlink to the pty')
        .option('--trace <file>', 'write an FST waveform of the whole session')
        .addOption(netlistOption()),
    async ({ design }, { elaborated }, flags) => {
      if (!hasLink(elaborated.config)) {
        throw new UserError(
          `${design.name} with these options has no link (echo mode): nothing for a host to talk to; use --mode link`,
        );
      }
      if (flags.netlist && flags.trace) {
        throw new UserError(
          '--trace needs the RTL model: routed-netlist models are built without waveform support ' +
            '(tracing every net makes their compile ≈ 6× longer)',
        );
      }
      console.error('starting the virtual board (its Verilator model is built once, then cached)…');
      const { VirtualBoard } = await import('../../sim/virtual-board.ts');
      const netlist = flags.netlist
        ? await (await import('../flow/netlist.ts')).routedNetlistOf(elaborated)
        : undefined;
      const board = await VirtualBoard.start(
        { ...elaborated, config: elaborated.config, netlist },
        {
          linkPath: flags.link as string | undefined,
          traceFile: flags.trace as string | undefined,
        },
      );
      console.log(
        `virtual ${design.name} board ` +
          `(${elaborated.board.title} config ${elaborated.configHash.slice(0, 16)}) on ${board.path}`,
      );
      if (flags.link) console.log(`  also reachable as ${flags.link as string}`);
      console.log('  Ctrl-C stops it.');
      const stop = () => void board.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await board.waitForExit();
    },
    designs,
  );

  const run = program
    .command('run')
    .description('run an accelerator and analyse the results')
    .addHelpText('after', '\nExample:\n  spinbit run ising --ref --T 2.0:2.6:0.1');
  addRunIsing(run);
  addRunBdcgan(run);
  if (own) addRunOwn(run, own.path, own.design);
  addModelCommands(program);
  addTrainCommands(program);
  addBoardTools(program);

  program
    .command('info')
    .description('print the identity of a board (real or virtual) on a serial port')
    .addOption(portOption().makeOptionMandatory())
    .addOption(baudOption('baud rate of a real port', 1_000_000))
    .addOption(
      new Option('--timeout <ms>', 'reply timeout').argParser(numberParser('--timeout', 'positive')).default(1000),
    )
    .addHelpText('after', '\nExample:\n  spinbit info --port /dev/ttyUSB1')
    .action(async (flags: { port: string; baud: number; timeout: number }) => {
      // The serial driver (native bindings) loads only for the commands that talk to a port.
      const { SpinbitBoard } = await import('../../host/board.ts');
      const { LinkError } = await import('../../host/link.ts');
      const board = await SpinbitBoard.open(flags.port, {
        baud: flags.baud,
        timeoutMs: flags.timeout,
        retries: 1,
      }).catch((error: unknown) => {
        if (error instanceof LinkError)
          throw new UserError(
            `${flags.port} does not answer as a spinbit board: ${error.message.replace(`${flags.port}: `, '')}`,
          );
        throw error;
      });
      try {
        const id = board.identity;
        console.log(
          [
            `design          ${id.design}`,
            `config hash     ${id.configHash}`,
            `protocol        ${id.protocolVersion}`,
            `core clock      ${(id.coreClockHz / 1e6).toFixed(3)} MHz`,
            `baud            ${id.baud}`,
            `rx buffer       ${id.rxBufferBytes} bytes ` +
              `(max payload ${id.maxPayload}, stream buffer ${id.streamBufferBytes})`,
            `frame timeout   ${id.frameTimeoutUs} µs`,
            `registers       ${id.registerCount}`,
            ...id.memories.map((m, i) => `memory ${i}        ${m.depth} × ${8 * m.wordBytes} bit`),
          ].join('\n'),
        );
      } finally {
        await board.close();
      }
    });

  program
    .command('demo')
    .description(
      'the main job: build both accelerators for the iCEBreaker, run them with --check, write pictures and a report',
    )
    .addOption(
      portOption(
        'run on a board flashed with the demo bitstreams instead of the virtual board ' +
          '("auto": the one FTDI board found)',
      ),
    )
    .addOption(outDirOption('the pictures and report', 'build/demo'))
    .addHelpText('after', '\nExamples:\n  npm run demo\n  npx spinbit demo --port auto')
    .action(async (flags: { port?: string; out: string }) => {
      const port = flags.port === 'auto' ? await (await import('./board-tools.ts')).autoPort() : flags.port;
      await (await import('./demo.ts')).runDemo({ port, out: flags.out });
    });

  return program;
}

/** `spinbit run ./my-design.ts --sim|--port P`: the design's check on that target. */
function addRunOwn(run: Command, path: string, design: OwnDesign): void {
  const command = run
    .command(path)
    .description(`${design.design.summary}: its check against the reference model, on a target`)
    .option('--sim', 'on the virtual board (the RTL in Verilator behind a pty)')
    .addOption(netlistOption())
    .addOption(portOption('on a board flashed with the matching `spinbit build` bitstream'))
    .addOption(seedOption('stimulus seed'))
    .addOption(boardOption('board the design is built for'));
  addDesignOptions(command, design.design.options);
  command.addHelpText('after', `\nExample:\n  spinbit run ${path} --sim\n  spinbit run ${path} --port /dev/ttyUSB1`);
  command.action(async (flags: Record<string, unknown>) => {
    // No --ref here: a design of your own has no reference target, its check compares against the model.
    if (Boolean(flags.sim) === Boolean(flags.port))
      throw new UserError('say where to run with exactly one of --sim, --port');
    const target = targetFromFlags(flags) as BoardTarget;
    const { elaborated } = await design.elaborate(
      getBoard(flags.board as string),
      pickDesignOptions(flags, design.design.options),
    );
    const started = performance.now();
    const summary = await design.runCheck(elaborated, target, flags.seed as number);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${design.design.name} check on ${targetMode(target)} passed in ${seconds.toFixed(1)} s: ${JSON.stringify(summary)}`,
    );
  });
}

/** Whether a config has a link (loopback's echo mode has none). */
function hasLink(config: unknown): config is { link: { clocksPerBit: number } } {
  return typeof config === 'object' && config !== null && 'link' in config;
}

function printBoards(): void {
  const rows = Object.values(BOARDS).map((b) => [
    b.name,
    b.title,
    `${b.device.toUpperCase()} ${b.package}`,
    `${b.clock.mhz} MHz @${b.clock.pin}`,
    `${b.uart.rx}/${b.uart.tx}`,
    String(b.leds.length),
    String(b.resources.lc),
    String(b.resources.ebr),
    String(b.resources.spram),
    String(b.resources.dsp),
  ]);
  const header = ['board', 'name', 'device', 'clock', 'uart rx/tx', 'LEDs', 'LCs', 'EBR', 'SPRAM', 'DSP'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

/** The subcommand the user's words lead to (for error messages). */
function deepestCommand(program: Command, argv: string[]): Command {
  let command = program;
  for (const word of argv) {
    const next = command.commands.find((c) => c.name() === word);
    if (!next) break;
    command = next;
  }
  return command;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export async function main(argv: string[]): Promise<number> {
  let program: Command | undefined;
  try {
    const path = designPathIn(argv);
    program = createProgram(path ? { path, design: await loadDesign(path) } : undefined);
    await program.parseAsync(argv, { from: 'user' });
    // A command may have set its own code without failing (an interrupted run exits 130, as Ctrl-C does).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError && program) {
      // Help and version requests are not errors; commander has already printed its message otherwise.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      if (error.code === 'commander.unknownCommand') {
        console.error(
          `spinbit: designs: ${Object.keys(DESIGNS).join(', ')}; ` +
            `commands: ${program.commands.map((c) => c.name()).join(', ')}`,
        );
      } else if (error.code === 'commander.unknownOption') {
        const command = deepestCommand(program, argv);
        const flags = command.options.map((o) => o.long).filter(Boolean);
        console.error(`spinbit: options of '${commandPath(command)}': ${flags.join(', ')}`);
      }
      return EXIT_USER;
    }
    if (error instanceof UserError) {
      console.error(`spinbit: ${error.message}`);
      return EXIT_USER;
    }
    console.error(`spinbit: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.SPINBIT_DEBUG && error instanceof Error) console.error(error.stack);
    return 1;
  }
}
