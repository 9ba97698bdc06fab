// ESLint flat config: typescript-eslint's recommended rules for host, webview, tests and bench,
// with zero warnings allowed (`npm run lint`), and the layering rules, enforced rather than
// only written down (test/unit/layering.test.ts proves each one fires).
import tseslint from 'typescript-eslint';

/**
 * The layers of src, lowest first (DEVELOPERS.md, "Layout"). A folder is one layer: it may
 * import from its own layer and those below, never from a layer above, and no pure layer
 * imports `vscode` (not even its types), so plain-node tests cover all of them against the
 * loopback stand-ins. The VS Code layer (the thin modules that talk to VS Code) sits on top.
 * The rule is about directions between folders: a new file is covered by where it lives.
 */
const pureLayers = [
  ['common'],
  ['logging', 'net'],
  ['config'],
  ['auth'],
  ['connection'],
  ['azure'],
  ['chat'],
  ['discovery'],
  ['diagnostics'],
];
/** The composition root of the pure core (src/chatCore.ts) is above every pure layer. */
const pureRootFiles = ['chatCore'];
const vscodeLayer = ['vscode', 'webviewHost', 'conversations', 'languageModels', 'tools'];
const vscodeRootFiles = ['extension', 'testApi'];
const noVscode = { name: 'vscode', message: 'This layer does not import vscode: put the VS Code part in a thin module under src/vscode (see DEVELOPERS.md).' };
const notTestsOrBench = { regex: '(^|/)(test|bench)/', message: 'Product code never imports tests or the benchmark.' };

/** Import paths (relative, from a folder directly under src, or from src itself) that reach one of `targets`. */
function upward(folder, targets) {
  const names = targets.join('|');
  return {
    regex: folder ? `^\\.\\./(${names})(/|$)` : `^\\./(${names})(/|$)`,
    message: `src/${folder} may not import from a layer above it (${targets.join(', ')}): move the shared part down, or invert the dependency.`,
  };
}

const layerBlocks = pureLayers.flatMap((layer, rank) => {
  const above = [...pureLayers.slice(rank + 1).flat(), ...pureRootFiles, ...vscodeLayer, ...vscodeRootFiles];
  return layer.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode], patterns: [upward(folder, above), notTestsOrBench] }] },
  }));
});

/**
 * One hardened fetch (src/net/hardenedFetch.ts) for every request: redirects refused, bound to
 * one origin, https only. Anything else that sends HTTP is a second, softer path.
 */
const oneFetch = {
  files: ['src/**/*.ts'],
  ignores: ['src/net/hardenedFetch.ts'],
  rules: {
    'no-restricted-globals': [
      'error',
      { name: 'fetch', message: 'Send requests through createHardenedFetch (src/net/hardenedFetch.ts), bound to the origin they may go to.' },
      { name: 'XMLHttpRequest', message: 'Send requests through createHardenedFetch (src/net/hardenedFetch.ts).' },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'globalThis', property: 'fetch', message: 'Send requests through createHardenedFetch (src/net/hardenedFetch.ts).' },
    ],
  },
};

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
  // Pure layers: no vscode, and no import from a layer above (after the src-wide block, which they replace).
  ...layerBlocks,
  {
    files: pureRootFiles.map((file) => `src/${file}.ts`),
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode], patterns: [upward('', [...vscodeLayer, ...vscodeRootFiles]), notTestsOrBench] }],
    },
  },
  oneFetch,
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
