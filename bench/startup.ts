/**
 * Figure 4, activation and size, on the production build `npm run bench` made first (the copy
 * taken when the bench started, buildSnapshot.ts):
 * - activate(): `require` of dist/extension.js plus `activate()` (what VS Code's "activation
 *   time" covers), each sample in a fresh node process (activationProbe.ts) with an inert
 *   `vscode`; the baseline is `require` of an empty module in the same process.
 * - the startup bundle has no @azure/identity (esbuild's metafile, out/meta.json), and
 *   dist/identity.js does; activation must not load it either.
 * - extension.js and the .vsix sizes (MB = 10^6 bytes), packaged by vsce into a temp folder.
 * - the 10 largest inputs of extension.js and webview.js, from the metafile.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from './context';
import { type FigureResult, verdict } from './report';
import { kib, median, ms, ratio, round } from './stats';
import { zipEntries } from './zipEntries';

const run = promisify(execFile);
const samples = 7;
const targetActivateMs = 50;
const targetExtensionBytes = 1_000_000;
const targetVsixBytes = 2_000_000;

interface ProbeResult {
  readonly emptyRequireMs: number;
  readonly requireMs: number;
  readonly activateMs: number;
  readonly sessionReadyMs: number;
  readonly subscriptions: number;
  readonly identityLoaded: boolean;
  readonly called: readonly string[];
}

interface Metafile {
  readonly outputs: Record<string, { readonly bytes: number; readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

export async function measureStartup(ctx: BenchContext): Promise<FigureResult[]> {
  if (!ctx.build.production) {
    ctx.log('WARNING: measuring a development build; run `npm run bench` (it builds with --production)');
  }
  const results: FigureResult[] = [];
  results.push(await activation(ctx));
  results.push(...bundleContents(ctx));
  const extensionBytes = ctx.build.extensionBytes;
  results.push({
    figure: '4. extension.js size',
    measured: kib(extensionBytes),
    target: '≤ 1 MB',
    verdict: verdict(extensionBytes, targetExtensionBytes),
    value: extensionBytes,
    limit: targetExtensionBytes,
  });
  results.push(await vsixSize(ctx));
  return results;
}

async function activation(ctx: BenchContext): Promise<FigureResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-activate-'));
  try {
    const probe = path.join(__dirname, 'activationProbe.js');
    const probes: ProbeResult[] = [];
    for (let i = 0; i < samples; i++) {
      // A new empty module and storage folder per sample: nothing cached from the last one.
      const empty = path.join(work, `empty${i}.js`);
      writeFileSync(empty, '');
      const storage = mkdtempSync(path.join(work, 'storage-'));
      const { stdout } = await run(process.execPath, [probe, ctx.build.dir, empty, storage], { env: process.env, timeout: 30_000 });
      probes.push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProbeResult);
    }
    const total = median(probes.map((p) => p.requireMs + p.activateMs));
    const empty = median(probes.map((p) => p.emptyRequireMs));
    const first = probes[0] as ProbeResult;
    ctx.log(`${samples} fresh node processes, production dist/extension.js, inert vscode shim`);
    ctx.log(`require ${ms(median(probes.map((p) => p.requireMs)))} + activate() ${ms(median(probes.map((p) => p.activateMs)))} = ${ms(total)} (medians)`);
    ctx.log(`baseline require of an empty module ${ms(empty)}: activation = ${ratio(total / empty)} that`);
    ctx.log(`conversation restored (session ready) ${ms(median(probes.map((p) => p.sessionReadyMs)))} after activate() began`);
    ctx.log(`activation registered ${first.subscriptions} disposables, called: ${first.called.join(', ')}`);
    ctx.log(`@azure/identity loaded during activation: ${probes.some((p) => p.identityLoaded) ? 'YES' : 'no'}`);
    return {
      figure: '4. activate() (require + activate)',
      measured: `${ms(total)} (${ratio(total / empty)} empty require)`,
      target: `≤ ${targetActivateMs} ms`,
      verdict: probes.some((p) => p.identityLoaded) ? 'MISS' : verdict(total, targetActivateMs),
      value: round(total),
      limit: targetActivateMs,
      details: {
        requireMs: probes.map((p) => round(p.requireMs)),
        activateMs: probes.map((p) => round(p.activateMs)),
        emptyRequireMs: probes.map((p) => round(p.emptyRequireMs)),
        sessionReadyMs: probes.map((p) => round(p.sessionReadyMs)),
        ratioToEmptyRequire: round(total / empty),
        identityLoaded: probes.some((p) => p.identityLoaded),
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function bundleContents(ctx: BenchContext): FigureResult[] {
  const metaPath = path.join(ctx.build.dir, 'out', 'meta.json');
  const metafiles = JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile[];
  const output = (name: string) => {
    for (const meta of metafiles) {
      const found = meta.outputs[`dist/${name}`];
      if (found) {
        return found;
      }
    }
    throw new Error(`out/meta.json has no dist/${name}`);
  };
  const isIdentity = (input: string) => /node_modules\/@azure\/(identity|msal-)/.test(input);
  const extension = output('extension.js');
  const identity = output('identity.js');
  const inStartup = Object.keys(extension.inputs).filter(isIdentity);
  const inIdentity = Object.keys(identity.inputs).filter(isIdentity);

  for (const name of ['extension.js', 'webview.js']) {
    const bundle = output(name);
    ctx.log(`largest inputs of ${name} (${kib(bundle.bytes)}, ${Object.keys(bundle.inputs).length} inputs):`);
    const largest = Object.entries(bundle.inputs)
      .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
      .slice(0, 10);
    for (const [input, { bytesInOutput }] of largest) {
      ctx.log(`  ${kib(bytesInOutput).padStart(10)}  ${input}`);
    }
  }
  ctx.log(`dist/identity.js: ${kib(identity.bytes)}, ${inIdentity.length} @azure/identity and MSAL inputs`);
  const ok = inStartup.length === 0 && inIdentity.length > 0;
  return [
    {
      figure: '4. @azure/identity out of extension.js',
      measured: ok ? `yes (0 inputs; identity.js has ${inIdentity.length})` : `no: ${inStartup.length} inputs in extension.js, ${inIdentity.length} in identity.js`,
      target: 'not in startup bundle',
      verdict: ok ? 'PASS' : 'MISS',
      value: inStartup.length,
      limit: 0,
      details: { startupInputs: inStartup, identityInputs: inIdentity.length },
    },
  ];
}

async function vsixSize(ctx: BenchContext): Promise<FigureResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-vsix-'));
  const vsix = path.join(work, 'azure-openai-chat.vsix');
  const vsce = path.join(ctx.repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const base = ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix];
  try {
    let note = '';
    // The same flags as `npm run package`.
    await run(process.execPath, [vsce, ...base], { cwd: ctx.repoRoot, timeout: 120_000, env: process.env });
    if (!existsSync(vsix)) {
      throw new Error('vsce did not write the .vsix');
    }
    const bytes = statSync(vsix).size;
    const entries = zipEntries(readFileSync(vsix));
    // vsce packs whatever dist/ holds now; say so if another build replaced it since the start.
    const packed = entries.find((entry) => entry.name === 'extension/dist/extension.js');
    if (packed?.size !== ctx.build.extensionBytes) {
      note = [note, `dist/extension.js changed during the bench (${packed?.size ?? 'missing'} bytes packed, ${ctx.build.extensionBytes} at the start): another build ran`]
        .filter(Boolean)
        .join('; ');
    }
    const folders = new Map<string, { files: number; bytes: number }>();
    for (const entry of entries) {
      const top = entry.name.replace(/^extension\//, '').split('/')[0] ?? entry.name;
      const folder = entry.name.startsWith('extension/') && entry.name.slice(10).includes('/') ? `${top}/` : '(files)';
      const sum = folders.get(folder) ?? { files: 0, bytes: 0 };
      sum.files++;
      sum.bytes += entry.size;
      folders.set(folder, sum);
    }
    ctx.log(`.vsix ${kib(bytes)} compressed, ${entries.length} files:`);
    for (const [folder, sum] of [...folders].sort(([, a], [, b]) => b.bytes - a.bytes)) {
      ctx.log(`  ${kib(sum.bytes).padStart(10)} in ${String(sum.files).padStart(4)} files  ${folder}`);
    }
    const runtime = new Set(['dist/', 'media/', '(files)']);
    const extra = [...folders.keys()].filter((folder) => !runtime.has(folder));
    if (extra.length > 0) {
      ctx.log(`NOTE: the .vsix ships folders the extension does not need at runtime (${extra.join(', ')}): add a .vscodeignore allow-list`);
    }
    if (note) {
      ctx.log(`NOTE: ${note}`);
    }
    return {
      figure: '4. .vsix size',
      measured: `${kib(bytes)} (${entries.length} files)`,
      target: '≤ 2 MB',
      verdict: verdict(bytes, targetVsixBytes),
      value: bytes,
      limit: targetVsixBytes,
      details: { files: entries.length, folders: Object.fromEntries(folders), note: note || undefined },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
