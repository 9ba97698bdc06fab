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
);
