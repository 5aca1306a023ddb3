/**
 * Import rules checked by `npm run lint` (and the lint step of `npm test`) with dependency-cruiser. ESLint's import
 * plugins skip `import type`; this counts every import, type-only ones included (tsPreCompilationDeps), because a
 * cycle through types still ties the modules together.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in src, type-only imports included: move the shared type to a module both can import.',
      from: { path: '^src' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(out|dist|node_modules)/' },
  },
};
