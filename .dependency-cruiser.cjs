/**
 * Import boundaries, checked by `npm run lint` (dependency-cruiser): the layers of the README's
 * architecture, content scripts kept apart from what only the background may hold, and no circles.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split out what both modules need.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-not-ui',
      severity: 'error',
      comment: 'lib/ is the logic: it never imports entry points or components.',
      from: { path: '^lib/' },
      to: { path: '^(entrypoints|components)/' },
    },
    {
      name: 'components-not-service',
      severity: 'error',
      comment: 'Components take data and callbacks; the background wiring in lib/service is not theirs.',
      from: { path: '^components/' },
      to: { path: '^lib/service/' },
    },
    {
      name: 'content-not-background',
      severity: 'error',
      comment: 'Content scripts run beside Keap pages: they never reach the background-only code that holds keys, calls Keap or keeps the journal.',
      from: { path: '^entrypoints/(content|[^/]+\\.content)/' },
      to: { path: '^lib/(service|audit|keap/client|keap/contact-cache|refund/executor)', reachable: true },
    },
    {
      name: 'not-to-tests',
      severity: 'error',
      comment: 'Product code never imports test code.',
      from: { path: '^(lib|components|entrypoints)/', pathNot: '\\.test\\.tsx?$|/test-[^/]*\\.ts$' },
      to: { path: '(^test/|\\.test\\.tsx?$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.output|\\.wxt)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
