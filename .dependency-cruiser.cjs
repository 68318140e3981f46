// Import direction, as docs/layout.md describes it. Runs in `npm test` (npm run check:imports).
// Test files (*.test.ts, testsuite.ts) may import anything and are not checked.

const TESTS = '(\\.test\\.ts$|/testsuite\\.ts$)';

/** A rule: files under `from` may import only `allowed` (plus their own folder and node_modules). */
function only(from, allowed) {
  return {
    name: `${from}-imports-only-${allowed.join('-') || 'nothing'}`,
    severity: 'error',
    comment: `${from}/ may import only ${allowed.length ? allowed.join(', ') : 'nothing internal'} (docs/layout.md)`,
    from: { path: `^src/${from}/`, pathNot: TESTS },
    to: {
      path: '^src/',
      pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`)],
    },
  };
}

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: { pathNot: TESTS }, to: { circular: true } },
    {
      name: 'nothing-imports-cmd',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cmd/', TESTS] },
      to: { path: '^src/cmd/' },
    },
    only('core', []),
    only('util', ['core']),
    only('oci', ['core']),
    only('api', ['core']),
    only('client', ['api', 'core', 'util']),
    only('cli', ['client', 'api', 'core', 'util']),
    only('server', ['engine', 'api', 'oci', 'core', 'util']),
    only('engine', ['content', 'snapshots', 'diff', 'remote', 'runtime', 'network', 'volume', 'build', 'oci', 'core', 'util']),
    only('content', ['oci', 'core', 'util']),
    only('snapshots', ['oci', 'core', 'util']),
    only('diff', ['oci', 'core', 'util']),
    only('remote', ['content', 'oci', 'core', 'util']),
    only('runtime', ['oci', 'core', 'util']),
    only('network', ['oci', 'core', 'util']),
    only('volume', ['oci', 'core', 'util']),
    only('build', ['oci', 'core', 'util']),
    only('registry', ['oci', 'core', 'util']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
