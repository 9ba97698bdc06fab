/**
 * Figure 11: the secret scan (src/chat/secretScan.ts) over every file git tracks in this
 * repository, as if each were attached to a question. This repository holds no real secret, so
 * every finding is either a fake on purpose (a test fixture or bench credential for the loopback
 * stand-ins) or a false positive: the warning a user would see for nothing. Each finding is
 * printed with its value masked, never the value itself.
 *
 * Run alone: `node out/bench/secretScanRepo.js` (after a build), or as part of `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findSecrets, maskSecrets, type SecretFinding } from '../src/chat/secretScan';
import type { BenchContext } from './context';
import type { FigureResult } from './report';

export interface RepoFinding {
  readonly file: string;
  readonly line: number;
  readonly finding: SecretFinding;
  /** The line with every finding on it masked. */
  readonly masked: string;
  /** A fake secret put there on purpose (tests, bench, stand-ins), or a false positive. */
  readonly fixture: boolean;
}

/** Where fake credentials live on purpose: tests, the bench and its stand-ins. */
const fixturePaths = /^(?:test|bench)\//;

/** The tracked text files (binary and large generated files are skipped). */
export function scanRepository(repoRoot: string): { files: number; bytes: number; ms: number; findings: RepoFinding[] } {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter((f) => f.length > 0);
  const findings: RepoFinding[] = [];
  let scanned = 0;
  let bytes = 0;
  let ms = 0;
  for (const file of files) {
    let text: string;
    try {
      const buffer = readFileSync(path.join(repoRoot, file));
      if (buffer.includes(0) || buffer.length > 4 * 1024 * 1024) {
        continue;
      }
      text = buffer.toString('utf8');
    } catch {
      continue; // deleted in the work tree
    }
    scanned++;
    bytes += text.length;
    const started = performance.now();
    const found = findSecrets(text, file);
    ms += performance.now() - started;
    for (const finding of found) {
      const lineStart = text.lastIndexOf('\n', finding.start - 1) + 1;
      const lineEndAt = text.indexOf('\n', finding.end);
      const lineEnd = lineEndAt === -1 ? text.length : lineEndAt;
      const onLine = found.filter((f) => f.start < lineEnd && f.end > lineStart).map((f) => ({ ...f, start: Math.max(f.start, lineStart) - lineStart, end: Math.min(f.end, lineEnd) - lineStart }));
      findings.push({
        file,
        line: text.slice(0, finding.start).split('\n').length,
        finding,
        masked: maskSecrets(text.slice(lineStart, lineEnd), onLine).trim().slice(0, 160),
        fixture: fixturePaths.test(file),
      });
    }
  }
  return { files: scanned, bytes, ms, findings };
}

export async function measureSecretScan(ctx: BenchContext): Promise<FigureResult[]> {
  const result = scanRepository(ctx.repoRoot);
  report(result, ctx.log);
  const outside = result.findings.filter((f) => !f.fixture);
  return [
    {
      figure: '11. secret scan false positives (repository files)',
      measured: `${outside.length} outside tests/bench, ${result.findings.length - outside.length} in tests/bench (${result.files} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB in ${result.ms.toFixed(0)} ms)`,
      target: 'context (classified in docs/security.md)',
      verdict: 'INFO',
      value: outside.length,
      limit: Number.NaN,
      details: { files: result.files, bytes: result.bytes, scanMs: Math.round(result.ms), findings: result.findings.map((f) => ({ file: f.file, line: f.line, kind: f.finding.kind, fixture: f.fixture })) },
    },
  ];
}

function report(result: ReturnType<typeof scanRepository>, log: (line: string) => void): void {
  log(`${result.files} tracked text files, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB, scanned in ${result.ms.toFixed(0)} ms; ${result.findings.length} findings`);
  for (const f of result.findings) {
    log(`  ${f.fixture ? 'test/bench' : 'OUTSIDE  '} ${f.file}:${f.line} ${f.finding.kind} (${f.finding.label}): ${f.masked}`);
  }
}

if (require.main === module) {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const result = scanRepository(repoRoot);
  report(result, (line) => console.log(line));
}
