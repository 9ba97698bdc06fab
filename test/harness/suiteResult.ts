// What test/integration/index.ts (in the extension host) hands back to the runner.

export interface SuiteResult {
  readonly suite: string;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly failures: ReadonlyArray<{ readonly title: string; readonly error: string }>;
  /** The test running when this was written; the file is rewritten after every test, so a hung suite still reports. */
  readonly running?: string;
  readonly finished: boolean;
}

/**
 * Marks the reporter's console lines. In the web workbench the extension host's console arrives
 * among the workbench's own log lines, with format strings and arguments joined by spaces; the
 * suite prints its lines already formatted and marked, and the runner echoes the marked ones.
 */
export const REPORT_LINE_PREFIX = '[integration] ';
