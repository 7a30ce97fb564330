/**
 * Dependency rules, checked by `npm run deps` (and .ci/run): no import circle anywhere, and the rooms depend
 * one way. From the bottom: util/errors → hdl, link (protocol, contract, bus), boards, tools (the YoWASP/native
 * tool runner) → design (what a design is, `elaborate`) → flow (bitstreams, routed netlists) → host (serial
 * transport) and sim (Verilator, virtual board) → run (targets) → cores (the designs: generator, reference,
 * driver, check, run; `defineDesign` for your own) → cli. Type-only imports count too.
 */
const room = (path) => `^${path}`;
const forbid = (name, from, to, comment, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to, ...(allowed ? { pathNot: allowed } : {}) },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import circle', from: {}, to: { circular: true } },
    forbid(
      'host-is-transport',
      room('host/'),
      room('(src/(cores|cli|run|flow|train)|sim|bench)/'),
      'host/ is the serial transport: it knows no design',
    ),
    forbid(
      'sim-knows-no-design',
      room('sim/'),
      room('(src/(cores|cli|run|flow|train)|host|bench)/'),
      'sim/ simulates sources it is given',
    ),
    forbid(
      'foundations-stay-below',
      room('src/(util|hdl|link|boards|plot|tools)/'),
      room('(src/(design|cores|cli|run|flow|train)|host|sim|bench)/'),
      'the builders, the tool runner and the protocol know no design and no runner',
    ),
    forbid(
      'design-is-foundation',
      room('src/design/'),
      room('(src/(cores|cli|run|flow|train)|host|sim|bench)/'),
      'what a design is, and elaborate, know no particular design, flow or runner',
    ),
    forbid(
      'flow-below-designs',
      room('src/flow/'),
      room('(src/(cores|cli|run|train)|host|sim|bench)/'),
      'the bitstream flow builds any elaborated design and knows none',
    ),
    forbid(
      'run-below-designs',
      room('src/run/'),
      room('(src/(cores|cli|train)|bench)/'),
      'targets open sessions for any design',
    ),
    forbid(
      'errors-is-a-leaf',
      room('src/errors\\.ts'),
      room('(src|host|sim|bench)/'),
      'errors.ts imports nothing of ours',
    ),
    forbid(
      'cores-below-cli',
      room('src/(cores|run|flow|train)/'),
      room('(src/cli|bench)/'),
      'the library never imports the command line',
    ),
    forbid('nothing-imports-bench', room('(src|host|sim)/'), room('bench/'), 'bench measures the library'),
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
