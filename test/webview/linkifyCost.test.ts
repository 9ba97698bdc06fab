/**
 * Bare URLs are found in time linear in the text (issue 9, item 7): long whitespace-free runs
 * of URLs and minified JSON full of URLs, rendered by the real bundle in Chromium. Speed targets
 * live in `npm run bench`; this only catches the quadratic shape, by comparing the same input
 * at N and 4N characters in the same page: linear is about 4×, quadratic about 16×.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type PageGlobals, snapshot } from './chatPage';
import { chatPagesForThisFile } from './pageFixture';
import { minifiedJsonWithUrls, urlRun } from './corpus';

const pages = chatPagesForThisFile();

/** Generous: linear is about 4, quadratic about 16; machine noise must not fail it. */
const maxRatio = 8;
/** Below this a render is timer noise, not cost: the ratio is taken against at least this. */
const floorMs = 5;
/** The fastest of this many renders counts: the machine's load only ever adds time. */
const rounds = 9;

const inputs = [
  { name: 'a whitespace-free run of URLs', make: urlRun, n: 10_000 },
  { name: 'minified JSON with a URL in every object', make: minifiedJsonWithUrls, n: 8_000 },
];

describe('linkify cost is linear in the length of the text', () => {
  for (const { name, make, n } of inputs) {
    test(`${name}: ${4 * n} characters cost about 4× what ${n} do`, async () => {
      const chat = await pages.session().open({ frames: 'manual' });
      try {
        await chat.sendHost(snapshot());
        const [short, long] = await chat.page.evaluate(
          ([small, large, count]) => {
            const page = globalThis as unknown as PageGlobals;
            const send = (data: unknown) => page.dispatchEvent(new page.MessageEvent('message', { data }));
            let id = 0;
            // A finished answer is rendered once, as markdown, when it is added.
            const render = (text: string) => {
              const messageId = `r${++id}`;
              const started = page.performance.now();
              send({ type: 'messageAdded', message: { id: messageId, role: 'assistant', text, status: 'done' } });
              const elapsed = page.performance.now() - started;
              send({ type: 'messageRemoved', messageId });
              return elapsed;
            };
            render(small.slice(0, 2_000));
            const best = [Infinity, Infinity];
            // Taking turns, so a busy moment of the machine hits both sizes alike; a quadratic
            // renderer takes seconds per large render, so the rounds stop after a while.
            const until = page.performance.now() + 15_000;
            for (let round = 0; round < count && page.performance.now() < until; round++) {
              best[0] = Math.min(best[0] ?? Infinity, render(small));
              best[1] = Math.min(best[1] ?? Infinity, render(large));
            }
            return best;
          },
          [make(n), make(4 * n), rounds] as const,
        );
        const ratio = (long ?? 0) / Math.max(short ?? 0, floorMs);
        console.log(`  ${name}: ${n} chars ${short?.toFixed(1)} ms, ${4 * n} chars ${long?.toFixed(1)} ms per render (×${ratio.toFixed(1)})`);
        assert.ok(ratio < maxRatio, `4× the text cost ×${ratio.toFixed(1)} (${short?.toFixed(1)} → ${long?.toFixed(1)} ms): quadratic`);
        assert.deepEqual(chat.errors, []);
      } finally {
        chat.close();
      }
    });
  }
});
