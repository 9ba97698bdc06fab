/**
 * Tool results are untrusted text going back to the model: an oversized one is cut, with a note
 * that says so (to the model and on the card), so one huge file or log cannot crowd the
 * conversation out of the context window.
 */
export interface ToolResultText {
  readonly text: string;
  readonly truncated: boolean;
}

/** Default cap of one result, in characters (about 8k tokens). */
export const defaultMaxResultChars = 32_000;

export function truncateResult(text: string, maxChars: number): ToolResultText {
  if (text.length <= maxChars) {
    return { text, truncated: false };
  }
  // Keep the start and the end: errors and summaries tend to be at the end of an output.
  const head = Math.floor(maxChars * 0.75);
  const tail = Math.max(0, maxChars - head);
  const cut = text.length - head - tail;
  return {
    text: `${text.slice(0, head)}\n\n[… ${cut} of ${text.length} characters cut: the result was over the ${maxChars}-character limit …]\n\n${tail > 0 ? text.slice(-tail) : ''}`,
    truncated: true,
  };
}
