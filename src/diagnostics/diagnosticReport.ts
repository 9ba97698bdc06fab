/**
 * The Diagnose Connection report as markdown: a summary table, then each check with what was
 * found and its one fix. It is redacted as it is made (reportForUser), with the stored secrets
 * and the patterns of logging/redact.ts, so the editor, the clipboard and the log all get the
 * same text: a key a server echoed, a proxy's `user:password@` never reach any of them.
 */
import { redactSecrets } from '../logging/redact';
import type { CheckResult, CheckStatus } from './connectionChecks';

const marks: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

export interface ReportContext {
  readonly generatedAt: Date;
  readonly extensionVersion: string;
  readonly vscodeVersion: string;
}

export function renderReport(results: readonly CheckResult[], context: ReportContext): string {
  const failed = results.filter((entry) => entry.status === 'fail');
  const lines = [
    '# Azure OpenAI connection report',
    '',
    `${context.generatedAt.toISOString()} · Azure OpenAI Chat ${context.extensionVersion} · VS Code ${context.vscodeVersion}`,
    '',
    failed.length === 0
      ? 'Every check passed.'
      : `${failed.length} ${failed.length === 1 ? 'check failed' : 'checks failed'}; the first one is usually the cause: **${failed[0].title}**.`,
    '',
    '| # | Check | Result |',
    '| --- | --- | --- |',
    ...results.map((entry, index) => `| ${index + 1} | ${entry.title} | ${marks[entry.status]} |`),
    '',
  ];
  results.forEach((entry, index) => {
    lines.push(`## ${index + 1}. ${entry.title}: ${marks[entry.status]}`, '', escapeText(entry.summary), '');
    if (entry.fix) {
      lines.push(`**Fix:** ${entry.fix}`, '');
    }
    for (const fact of entry.facts ?? []) {
      lines.push(`- ${escapeText(fact)}`);
    }
    if (entry.facts?.length) {
      lines.push('');
    }
  });
  lines.push('No token or key is part of this report; token claims are decoded, never copied.', '');
  return lines.join('\n');
}

/** The report as the user sees it anywhere (editor, clipboard): rendered, then redacted. */
export function reportForUser(results: readonly CheckResult[], context: ReportContext, knownSecrets: readonly string[]): string {
  return redactReport(renderReport(results, context), knownSecrets);
}

export function redactReport(report: string, knownSecrets: readonly string[]): string {
  return redactSecrets(report, knownSecrets);
}

/** Server messages are data: keep them from turning into markdown links, images or HTML. */
function escapeText(text: string): string {
  return text.replace(/[<>[\]!]/g, (char) => `\\${char}`);
}
