/**
 * Events for tests and the benchmark: they measure when the user could see a delta without
 * reaching into the webview's internals. Dispatching an event nobody listens to is cheap.
 *
 *   document.addEventListener('chat:painted', (e) => e.detail)
 *     after every paint of an answer (at most once per frame per answer, and once when it
 *     finishes). `length` is how many characters of the answer's source are on screen;
 *     `durationMs` is the time spent parsing markdown and changing the DOM in that paint;
 *     `final` marks the paint when the answer finished; `rebuilt` says the check against a full
 *     render found the block-by-block DOM wrong and replaced it. That check runs with the final
 *     paint when the answer defines link references, else later in idle time, and then reports
 *     only a replacement, as a second final paint with `rebuilt: true`.
 *
 *   document.addEventListener('chat:snapshot-rendered', (e) => e.detail)
 *     after a snapshot has been turned into DOM: `messages` rendered, `durationMs` spent.
 */

export interface PaintedDetail {
  readonly messageId: string;
  readonly length: number;
  readonly durationMs: number;
  readonly final: boolean;
  readonly rebuilt: boolean;
}

export interface SnapshotRenderedDetail {
  readonly messages: number;
  readonly durationMs: number;
}

export function notifyPainted(detail: PaintedDetail): void {
  document.dispatchEvent(new CustomEvent<PaintedDetail>('chat:painted', { detail }));
}

export function notifySnapshotRendered(detail: SnapshotRenderedDetail): void {
  document.dispatchEvent(new CustomEvent<SnapshotRenderedDetail>('chat:snapshot-rendered', { detail }));
}
