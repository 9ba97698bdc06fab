/**
 * What figures 8 and 9 install in the frame that shows an answer (our webview's frame, or the
 * workbench page for VS Code's own chat view) before pressing Enter. Everything is timed in that
 * frame on the epoch clock (`performance.timeOrigin + performance.now()`, which node's epochNow()
 * matches to about a millisecond), so node never polls while the answer streams:
 *   enterAt     the Enter keydown's own timestamp (capture phase, before the page handles it);
 *   endInDomAt  the mutation that put the answer's last words (a unique end mark) into the DOM;
 *   paintedAt   the first animation frame after that, i.e. the end is on screen;
 *   frames      requestAnimationFrame times from Enter to the end, for the gaps between frames;
 *   messages    for our webview: when each host message arrived, its type and text length;
 *   paintMs     for our webview: the markdown + DOM time its own paints report (chat:painted).
 */
import type { Frame } from 'playwright-core';

export interface ProbeRecords {
  readonly enterAt: number;
  readonly endInDomAt: number;
  readonly paintedAt: number;
  readonly frames: readonly number[];
  readonly messages: readonly { readonly type: string; readonly at: number; readonly chars: number }[];
  readonly paintMs: number;
  readonly paints: number;
}

/**
 * The probe's page source (the bench compiles without DOM types, so the page side is a script):
 * `window.__answerProbe = { records, stop() }`.
 */
const probeSource = (root: string, endMark: string) => `(() => {
  window.__answerProbe?.stop();
  const root = ${JSON.stringify(root)};
  const endMark = ${JSON.stringify(endMark)};
  const now = () => performance.timeOrigin + performance.now();
  const records = { enterAt: 0, endInDomAt: 0, paintedAt: 0, frames: [], messages: [], paintMs: 0, paints: 0 };
  let frameLoop = 0;
  const onFrame = () => {
    records.frames.push(now());
    frameLoop = records.paintedAt === 0 ? requestAnimationFrame(onFrame) : 0;
  };
  const onKey = (event) => {
    if (event.key === 'Enter' && records.enterAt === 0) {
      records.enterAt = performance.timeOrigin + event.timeStamp;
      frameLoop = requestAnimationFrame(onFrame);
    }
  };
  const onMessage = (event) => {
    const data = event.data;
    if (data && typeof data.type === 'string') {
      records.messages.push({ type: data.type, at: now(), chars: typeof data.text === 'string' ? data.text.length : 0 });
    }
  };
  const onPainted = (event) => {
    records.paintMs += event.detail.durationMs;
    records.paints++;
  };
  const contains = (node) => (node.textContent || '').includes(endMark);
  const observer = new MutationObserver((mutations) => {
    if (records.endInDomAt !== 0 || records.enterAt === 0) {
      return;
    }
    for (const mutation of mutations) {
      const hit = mutation.type === 'characterData' ? contains(mutation.target) : Array.from(mutation.addedNodes).some(contains);
      if (hit) {
        records.endInDomAt = now();
        requestAnimationFrame(() => { records.paintedAt = now(); });
        return;
      }
    }
  });
  observer.observe(document.querySelector(root) || document.body, { subtree: true, childList: true, characterData: true });
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('message', onMessage);
  document.addEventListener('chat:painted', onPainted);
  window.__answerProbe = {
    records,
    textLength: () => (document.querySelector(root) || document.body).textContent.length,
    stop: () => {
      observer.disconnect();
      cancelAnimationFrame(frameLoop);
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('message', onMessage);
      document.removeEventListener('chat:painted', onPainted);
    },
  };
})()`;

/**
 * Arms the probe: `root` is the CSS selector of the element the answer appears under, `endMark`
 * the text the answer ends with (it occurs nowhere else).
 */
export async function armProbe(frame: Frame, root: string, endMark: string): Promise<void> {
  await frame.evaluate(probeSource(root, endMark));
}

export class AnswerTimeout extends Error {
  constructor(
    readonly seconds: number,
    /** Characters of text under the probe's root when time ran out. */
    readonly charactersInDom: number,
    /** What the probe recorded until then (frames included). */
    readonly records: ProbeRecords,
  ) {
    super(`the answer's end was not in the DOM after ${seconds} s (${charactersInDom} characters there)`);
  }
}

/** Waits (polling twice a second, cheap next to the work it waits for) until the end is on screen. */
export async function collectProbe(frame: Frame, timeoutMs: number): Promise<ProbeRecords> {
  // Polled with evaluate: waitForFunction evaluates a string in the page, which our webview's CSP
  // (no unsafe-eval) refuses.
  const deadline = Date.now() + timeoutMs;
  while (!(await frame.evaluate('(window.__answerProbe?.records.paintedAt ?? 0) > 0'))) {
    if (Date.now() > deadline) {
      const characters = (await frame.evaluate('window.__answerProbe.textLength()')) as number;
      const records = (await frame.evaluate('(() => { window.__answerProbe.stop(); return window.__answerProbe.records; })()')) as ProbeRecords;
      throw new AnswerTimeout(timeoutMs / 1000, characters, records);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return (await frame.evaluate('(() => { window.__answerProbe.stop(); return window.__answerProbe.records; })()')) as ProbeRecords;
}

/** Gaps between consecutive animation frames from Enter to the end on screen. */
export function frameGaps(records: ProbeRecords): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < records.frames.length; i++) {
    gaps.push((records.frames[i] as number) - (records.frames[i - 1] as number));
  }
  return gaps;
}

/** Where the end of a finished answer is, relative to the view that scrolls it. */
export interface EndPosition {
  /** The scroller's distance from its bottom, px. */
  readonly fromBottomPx: number;
  /** The end mark's text is inside the scroller's visible box. */
  readonly endInView: boolean;
}

/**
 * Whether the answer's end is on screen in `scroller` (a CSS selector), after the idle-time
 * re-render a finished answer gets: what a user who followed the answer sees when it is done.
 */
export async function endPosition(frame: Frame, scroller: string, endMark: string): Promise<EndPosition> {
  await new Promise((resolve) => setTimeout(resolve, 600));
  return (await frame.evaluate(`(() => {
    const scroller = document.querySelector(${JSON.stringify(scroller)});
    const walker = document.createTreeWalker(scroller, NodeFilter.SHOW_TEXT);
    let endNode = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent.includes(${JSON.stringify(endMark)})) endNode = node;
    }
    const view = scroller.getBoundingClientRect();
    let endInView = false;
    if (endNode) {
      const range = document.createRange();
      range.selectNodeContents(endNode);
      const box = range.getBoundingClientRect();
      endInView = box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
    }
    return { fromBottomPx: Math.round(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight), endInView };
  })()`)) as EndPosition;
}
