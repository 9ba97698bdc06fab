/**
 * What every figure hands back to index.ts: the measured value against its target, and the
 * side-by-side context that makes it meaningful on a noisy machine. The bench prints; it never
 * fails because a target was missed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** INFO: a side-by-side figure with no target of its own (printed for context). */
export type Verdict = 'PASS' | 'MISS' | 'ERROR' | 'INFO';

export interface FigureResult {
  /** Short name for the table, e.g. "1. added latency p95". */
  readonly figure: string;
  /** The measured value as printed. */
  readonly measured: string;
  readonly target: string;
  readonly verdict: Verdict;
  /** The number compared with the target (ms, ratio, bytes or count). */
  readonly value: number;
  readonly limit: number;
  /** Everything else worth keeping: absolute times, breakdowns, sample counts. */
  readonly details?: Record<string, unknown>;
}

export function verdict(value: number, limit: number): Verdict {
  return Number.isFinite(value) && value <= limit ? 'PASS' : 'MISS';
}

export function printSection(title: string, lines: readonly string[]): void {
  console.log(`\n== ${title}`);
  for (const line of lines) {
    console.log(`   ${line}`);
  }
}

export function printFigure(result: FigureResult): void {
  console.log(`   ${result.verdict.padEnd(5)} ${result.figure}: ${result.measured} (target ${result.target})`);
}

export function printTable(results: readonly FigureResult[]): void {
  const rows = [['figure', 'measured', 'target', 'verdict'], ...results.map((r) => [r.figure, r.measured, r.target, r.verdict])];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log('');
  console.log(line(rows[0] ?? []));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows.slice(1)) {
    console.log(line(row));
  }
}

export function writeResults(file: string, results: readonly FigureResult[], machine: Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ when: new Date().toISOString(), machine, results }, null, 2)}\n`);
}
