// ESLint flat config: typescript-eslint's recommended rules for host, webview, tests and bench,
// with zero warnings allowed (`npm run lint`), and the layering rules, enforced rather than
// only written down (test/unit/layering.test.ts proves each one fires).
import tseslint from 'typescript-eslint';

/** Folders and files that never import `vscode` (DEVELOPERS.md, "Layout"). */
const pureModules = [
  'src/azure/**/*.ts',
  'src/chat/**/*.ts',
  'src/auth/**/*.ts',
  'src/common/**/*.ts',
  'src/config/connectionSettings.ts',
  'src/config/settingKeys.ts',
  'src/logging/redact.ts',
  'src/logging/logger.ts',
  'src/connection/connectionManager.ts',
  // Discovery and diagnostics talk to Azure in plain node; only their vscode*.ts modules use VS Code.
  'src/discovery/**/*.ts',
  'src/diagnostics/**/*.ts',
  'src/config/cloud.ts',
];
/** The thin VS Code modules that live in pure folders. */
const thinVscodeModulesInPureFolders = ['src/auth/vscodeMicrosoftSession.ts', 'src/discovery/vscode*.ts', 'src/diagnostics/vscode*.ts'];
const noVscode = { name: 'vscode', message: 'This layer does not import vscode: put the VS Code part in a thin module (see DEVELOPERS.md).' };
const notTestsOrBench = { regex: '(^|/)(test|bench)/', message: 'Product code never imports tests or the benchmark.' };

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
  // Layering (DEVELOPERS.md, "Layout"). Each block's patterns replace the previous block's for
  // the files it matches, so every block repeats what still applies to its files.
  {
    // src never reaches into tests or the benchmark.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [notTestsOrBench] }] },
  },
  {
    // Pure modules: plain-node tests cover them against loopback stand-ins, so no `vscode`,
    // not even its types.
    files: pureModules,
    ignores: thinVscodeModulesInPureFolders,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode], patterns: [notTestsOrBench] }] },
  },
  {
    // The webview is a browser bundle: it shares the message protocol and nothing else.
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            { regex: '(^|/)src/(?!common/)', message: 'The webview imports only src/common from the host side.' },
            notTestsOrBench,
          ],
        },
      ],
    },
  },
);
