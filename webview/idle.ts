/** Runs work when the webview is idle (or soon, where idle callbacks are missing). */
export function whenIdle(work: (deadline?: IdleDeadline) => void, timeoutMs = 200): void {
  if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(work, { timeout: timeoutMs });
  } else {
    setTimeout(work, 16);
  }
}
