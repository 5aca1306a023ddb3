// ESLint flat config: typescript-eslint recommended, plus the architecture boundary:
// src/core, src/vendors and src/sandbox run in plain Node and must never import `vscode`;
// src/sandbox is an independent twin of the vendors and must never import src/vendors.
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'src/core, src/vendors and src/sandbox run in plain Node: never import vscode here.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', '.test-output/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/vendors/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/vendors/**', '**/vendors'], message: 'The sandbox is an independent twin: never import src/vendors.' }],
      }],
    },
  },
);
