// ESLint flat config: typescript-eslint's recommended rules for host, webview, tests and bench,
// with zero warnings allowed (`npm run lint`).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.tmp/**', 'test/fixtures/**', 'test/standin/fake-az/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      curly: 'error',
      'no-console': 'off',
    },
  },
  {
    // The extension host must log through its LogOutputChannel, never the console.
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Discovery and diagnostics talk to Azure in plain node (tested against loopback stand-ins);
    // only their vscode*.ts modules may touch the VS Code API.
    files: ['src/discovery/**/*.ts', 'src/diagnostics/**/*.ts', 'src/config/cloud.ts', 'src/chat/deploymentChoice.ts'],
    ignores: ['**/vscode*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Pure module: keep VS Code out (see DEVELOPERS.md).' }] }] },
  },
);
