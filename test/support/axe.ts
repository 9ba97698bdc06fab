/**
 * axe-core in a page or frame we do not control the scripts of: the chat webview's CSP allows
 * only its own script, so axe's source is evaluated through the debugging protocol (which the
 * page's CSP does not govern) instead of a <script> tag. Shared by the webview tests and the E2E.
 */
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** Selector and a short piece of the HTML of each node, for the failure message. */
  readonly nodes: readonly string[];
}

let source: string | undefined;

/** Runs axe on the whole document of `target` and returns its violations, worst first. */
export async function runAxe(target: Page | Frame): Promise<AxeViolation[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await target.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) {
    await target.evaluate(`${source}\n;0`);
  }
  const violations = await target.evaluate(async () => {
    interface Result {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: unknown[]; html: string; failureSummary?: string }[];
    }
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Result[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.html.slice(0, 160)} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200)}`),
    }));
  });
  const order = ['critical', 'serious', 'moderate', 'minor', 'unknown'];
  return violations.sort((a, b) => order.indexOf(a.impact) - order.indexOf(b.impact));
}

/** The violations a user is blocked or seriously hindered by. */
export function seriousOrCritical(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 4).join('\n    ')}`).join('\n');
}
