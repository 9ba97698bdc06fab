/**
 * Scroll-following in the real bundle: after any answer the user was following, at any speed and
 * length, the end of that answer is on screen (issue 9 item 2, issue 14 item 3).
 *
 * The answers stream the way they reach a webview: deltas in bursts, animation frames running in
 * between (real frames, so content-visibility, scroll anchoring and layout behave as in VS Code).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatMessageView } from '../../src/common/protocol';
import { type ChatPage, type PageGlobals, type PageOptions, snapshot } from './chatPage';
import { answer, chatPagesForThisFile, user } from './pageFixture';
import { longAnswer, referenceAnswer } from './corpus';

const pages = chatPagesForThisFile();

const withPage = pages.withPage;


/** The side bar in a 1400×900 VS Code window: about 300–400 px wide. */
const sidebar: PageOptions = { surface: 'sidebar', width: 340, height: 820 };

/** A conversation long enough to scroll: `pairs` questions and ordinary answers. */
function conversation(pairs: number): ChatMessageView[] {
  const messages: ChatMessageView[] = [];
  for (let i = 0; i < pairs; i++) {
    messages.push(user(`u${i}`, `Question ${i}: how does this part work?`), answer(`a${i}`, longAnswer(900 + i * 37)));
  }
  return messages;
}

interface Pace {
  /** Characters per delta (the stand-in's pieces). */
  readonly pieceSize: number;
  /** Deltas delivered in one task (what the host coalesced into one burst). */
  readonly deltasPerBurst: number;
  /** Animation frames between bursts: 0 for a fast stream that outruns the frames. */
  readonly framesBetween: number;
  /**
   * Before the last burst the user clicks in the answer (selects a word, Copy, a link): not a
   * scroll, so it must not stop the following.
   */
  readonly clickBeforeEnd?: boolean;
}

/**
 * Asks a question and streams `text` as its answer at `pace`, all inside the page so the bursts
 * and frames interleave as they would in VS Code; then finishes it and lets layout settle.
 */
async function askAndStream(chat: ChatPage, id: string, text: string, pace: Pace): Promise<void> {
  await chat.page.evaluate(
    async ([messageId, source, { pieceSize, deltasPerBurst, framesBetween, clickBeforeEnd = false }]) => {
      const page = globalThis as unknown as PageGlobals;
      const send = (data: unknown) => page.dispatchEvent(new page.MessageEvent('message', { data }));
      const frame = () => new Promise((resolve) => page.requestAnimationFrame(() => resolve(null)));
      const task = () => new Promise((resolve) => setTimeout(resolve, 0));
      send({ type: 'messageAdded', message: { id: `q-${messageId}`, role: 'user', text: 'Tell me more', status: 'done' } });
      send({ type: 'messageAdded', message: { id: messageId, role: 'assistant', text: '', status: 'streaming' } });
      send({ type: 'busy', busy: true });
      await frame();
      const click = () => {
        const target = page.document.querySelector(`.message[data-id="${messageId}"] .message-body p`);
        for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
          target?.dispatchEvent(new page.Event(type, { bubbles: true }));
        }
      };
      for (let at = 0; at < source.length; ) {
        if (clickBeforeEnd && at + pieceSize * deltasPerBurst >= source.length) {
          click();
        }
        for (let d = 0; d < deltasPerBurst && at < source.length; d++, at += pieceSize) {
          send({ type: 'delta', messageId, text: source.slice(at, at + pieceSize) });
        }
        if (at >= source.length) {
          // As the host does: the last text and the end of the answer in one burst.
          break;
        }
        if (framesBetween === 0) {
          await task();
        }
        for (let f = 0; f < framesBetween; f++) {
          await frame();
        }
      }
      send({ type: 'messageFinished', messageId, status: 'done' });
      send({ type: 'busy', busy: false });
    },
    [id, text, pace] as const,
  );
  await chat.waitForPainted(id, text.length);
  // The final check (at once, or in idle time) and a few frames for content-visibility to settle.
  await chat.page.waitForFunction((messageId) => (globalThis as unknown as PageGlobals).__lastPainted[messageId]?.final === true, id, {
    polling: 20,
  });
  await chat.page.waitForTimeout(600);
}

interface EndOnScreen {
  readonly fromBottomPx: number;
  readonly scrollTop: number;
  readonly lastBlockVisible: boolean;
  readonly lastBlockInView: boolean;
  readonly lastText: string;
  readonly innerTextHasEnd: boolean;
}

/** Where the view is, and whether the answer's last block is rendered and inside the viewport. */
async function endOfAnswer(chat: ChatPage, id: string): Promise<EndOnScreen> {
  return chat.page.evaluate(
    (messageId) => {
      interface Box {
        readonly top: number;
        readonly bottom: number;
      }
      type Live = {
        scrollTop: number;
        scrollHeight: number;
        clientHeight: number;
        getBoundingClientRect(): Box;
        checkVisibility(options: object): boolean;
        innerText: string;
        textContent: string | null;
        lastElementChild: Live | null;
        querySelector(selector: string): Live | null;
      };
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): Live | null } }).document;
      const scroller = doc.querySelector('#messages');
      const body = doc.querySelector(`.message[data-id="${messageId}"] .message-body`);
      if (!scroller || !body) {
        throw new Error('no such answer');
      }
      // The deepest last element: the last block, inside its chunk if there are chunks.
      let last: Live | null = body.lastElementChild;
      while (last?.lastElementChild && /md-chunk|md-tail/.test((last as unknown as { className: string }).className)) {
        last = last.lastElementChild;
      }
      const view = scroller.getBoundingClientRect();
      const box = last?.getBoundingClientRect();
      return {
        fromBottomPx: Math.round(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight),
        scrollTop: Math.round(scroller.scrollTop),
        lastBlockVisible: last?.checkVisibility({ contentVisibilityAuto: true }) ?? false,
        lastBlockInView: box !== undefined && box.bottom > view.top && box.top < view.bottom,
        lastText: (last?.textContent ?? '').slice(-60),
        // innerText leaves out what content-visibility skipped: the end must be in it.
        innerTextHasEnd: scroller.innerText.replace(/\s+/g, ' ').includes((last?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(-40)),
      };
    },
    id,
  );
}

function assertEndOnScreen(where: EndOnScreen, what: string): void {
  if (process.env.SCROLL_TRACE) {
    console.log(what, JSON.stringify(where));
  }
  const detail = `${what}: ${JSON.stringify(where)}`;
  assert.ok(where.lastBlockVisible, `the answer's last block is rendered (not skipped by content-visibility). ${detail}`);
  assert.ok(where.lastBlockInView, `the answer's last block is inside the view. ${detail}`);
  assert.ok(where.innerTextHasEnd, `the end of the answer is in the view's text. ${detail}`);
  assert.ok(where.fromBottomPx <= 24, `the view is at the bottom. ${detail}`);
}

describe('scroll-following: the end of an answer the user followed is on screen', () => {
  test('after a ~20-block answer with a link reference, raw HTML and a lone surrogate, in a long conversation', async () => {
    await withPage(sidebar, async (chat) => {
      await chat.sendHost(snapshot(conversation(7)));
      await chat.page.waitForTimeout(200);
      const text = referenceAnswer();
      const paces: Pace[] = [
        { pieceSize: 24, deltasPerBurst: 3, framesBetween: 1 },
        { pieceSize: 5, deltasPerBurst: 100, framesBetween: 0 },
        { pieceSize: 5, deltasPerBurst: 10000, framesBetween: 0 },
        { pieceSize: 4, deltasPerBurst: 1, framesBetween: 1 },
        { pieceSize: 5, deltasPerBurst: 300, framesBetween: 0, clickBeforeEnd: true },
      ];
      const rebuilt: boolean[] = [];
      for (const [i, pace] of paces.entries()) {
        await askAndStream(chat, `ref${i}`, text, pace);
        // The final full re-render runs in idle time, later on a busy machine: give it a moment,
        // so the end is checked after it (a one-burst answer has nothing to re-render).
        await chat.page
          .waitForFunction((id) => (globalThis as unknown as PageGlobals).__lastPainted[id]?.rebuilt === true, `ref${i}`, { timeout: 5_000 })
          .catch(() => undefined);
        const final = await chat.page.evaluate((id) => (globalThis as unknown as PageGlobals).__lastPainted[id], `ref${i}`);
        rebuilt.push(final?.rebuilt === true);
        assertEndOnScreen(await endOfAnswer(chat, `ref${i}`), `reference answer ${JSON.stringify(pace)}`);
      }
      // Streamed in small pieces, the reference reaches back into finished blocks: the final
      // check replaced the whole answer's DOM, so that path was followed too. (Big bursts, with
      // many deltas per frame, leave nothing to replace.)
      assert.ok(rebuilt.filter(Boolean).length >= 2, `the final full re-render ran: ${JSON.stringify(rebuilt)}`);
    });
  });

  const streams: { readonly name: string; readonly length: number; readonly pace: Pace }[] = [
    { name: 'a fast 100k-character answer', length: 100_000, pace: { pieceSize: 5, deltasPerBurst: 2000, framesBetween: 0 } },
    { name: 'a fast 10k-character answer', length: 10_000, pace: { pieceSize: 5, deltasPerBurst: 200, framesBetween: 0 } },
    { name: 'a slow 10k-character answer', length: 10_000, pace: { pieceSize: 4, deltasPerBurst: 2, framesBetween: 1 } },
  ];
  for (const { name, length, pace } of streams) {
    test(`after ${name} in the side bar`, async () => {
      await withPage(sidebar, async (chat) => {
        await chat.sendHost(snapshot(conversation(7)));
        await chat.page.waitForTimeout(200);
        const text = longAnswer(length);
        await askAndStream(chat, 'long', text, pace);
        assertEndOnScreen(await endOfAnswer(chat, 'long'), name);
      });
    });
  }
});
