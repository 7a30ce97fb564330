/**
 * Dependency rules, checked by `npm run deps` (and .ci/run): no import circle anywhere, and the rooms depend
 * one way. From the bottom: util/errors → hdl, link (protocol, contract, bus), boards → host (serial
 * transport) and sim (Verilator, virtual board) → cores (designs: generator, reference, driver, check, run)
 * and run (targets) → flow → cli. Type-only imports count too.
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
      room('src/(util|hdl|link|boards|plot)/'),
      room('(src/(cores|cli|run|flow|train)|host|sim|bench)/'),
      'the builders and the protocol know no design and no runner (boards plan PLLs with the tool runner)',
      room('src/flow/tools\\.ts'),
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
