// ESLint flat config: typescript-eslint recommended, plus the architecture boundary:
// src/core, src/vendors and src/sandbox run in plain Node and must never import `vscode`;
// src/sandbox is an independent twin of the vendors and must never import src/vendors; the VS Code glue asks the user
// only through its one prompt seam (src/vscode/ui.ts), which the integration tests answer.
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
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    ignores: ['src/vscode/ui.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.property.name='window'][property.name=/^(showQuickPick|showInputBox|showWarningMessage|showInformationMessage|showErrorMessage|showOpenDialog|showSaveDialog|createQuickPick|createInputBox)$/]",
        message: 'Ask the user through ui() (src/vscode/ui.ts), the seam the tests answer.',
      }, {
        selector: "MemberExpression[object.property.name='env'][property.name='openExternal']",
        message: 'Open pages through ui().openExternal (src/vscode/ui.ts).',
      }],
    },
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
