// Builds the extension's bundles and compiles the tests.
//   node esbuild.mjs               development build + tests compiled to out/
//   node esbuild.mjs --production  minified bundles for the VSIX (tests compiled too, they are cheap)
//   node esbuild.mjs --watch       rebuild bundles on change
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);

/**
 * `@azure/identity` is large and only needed when the VS Code sign-in is not used, so the
 * startup bundle must not contain it: imports of it resolve to a sibling bundle
 * (dist/identity.js) that Node loads on first use.
 */
const identityOutOfStartupBundle = {
  name: 'identity-out-of-startup-bundle',
  setup(build) {
    build.onResolve({ filter: /^@azure\/identity$/ }, () => ({ path: './identity.js', external: true }));
  },
};

/** The tokenizer's byte-pair table is large too, and needed only when a question is sent: dist/tokenizer.js. */
const tokenizerOutOfStartupBundle = {
  name: 'tokenizer-out-of-startup-bundle',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: './tokenizer.js', external: true }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const shared = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

const builds = [
  {
    ...shared,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [identityOutOfStartupBundle, tokenizerOutOfStartupBundle],
  },
  {
    ...shared,
    entryPoints: { tokenizer: 'src/azure/tokenizerBundle.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...shared,
    entryPoints: { identity: 'src/auth/identityBundle.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...shared,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[watch] watching src/ and webview/');
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync('out', { recursive: true });
  // The benchmark reads this to report what makes the bundles large.
  writeFileSync('out/meta.json', JSON.stringify(results.map((r) => r.metafile)));
  // Tests, stand-ins and benchmarks run from tsc's output so they import the real modules.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'test'], { stdio: 'inherit' });
}
