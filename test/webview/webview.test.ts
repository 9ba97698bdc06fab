/**
 * The chat webview bundle in real Chromium: rendering, streaming, the composer, the host
 * protocol, hostile model output, and the cost of long answers and big snapshots.
 *
 * Needs dist/webview.js (node esbuild.mjs) and Debian's Chromium (/usr/bin/chromium, or
 * CHROMIUM_PATH). Run: node --test out/test/webview/
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatMessageView, HostToWebviewMessage } from '../../src/common/protocol';
import { LeakServer, type PageGlobals, snapshot } from './chatPage';
import { answer, chatPagesForThisFile, user } from './pageFixture';
import { hostileCorpus, longAnswer, markdownCorpus } from './corpus';

const pages = chatPagesForThisFile();

const withPage = pages.withPage;

const added = (message: ChatMessageView): HostToWebviewMessage => ({ type: 'messageAdded', message });
const delta = (messageId: string, text: string): HostToWebviewMessage => ({ type: 'delta', messageId, text });
const finished = (messageId: string, status: ChatMessageView['status'] = 'done'): HostToWebviewMessage => ({
  type: 'messageFinished',
  messageId,
  status,
});

describe('startup and snapshot', () => {
  test('posts ready once, then renders the snapshot it gets', async () => {
    await withPage({}, async (chat) => {
      await chat.page.waitForTimeout(50);
      assert.deepEqual(await chat.posted(), [{ type: 'ready' }]);
      assert.equal(await chat.page.locator('.welcome').isVisible(), true, 'an empty conversation shows the welcome');

      await chat.sendHost(
        snapshot([user('u1', 'First line\n  indented second line'), answer('a1', '# Title\n\nSome **bold** text.')]),
      );
      const question = chat.page.locator('.message.user');
      assert.equal(await question.count(), 1);
      assert.equal(await question.textContent(), 'First line\n  indented second line');
      const whiteSpace = await question
        .locator('.message-body')
        .evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).whiteSpace);
      assert.equal(whiteSpace, 'pre-wrap');
      const reply = chat.page.locator('.message.assistant');
      assert.equal(await reply.getAttribute('data-status'), 'done');
      assert.equal(await reply.locator('h1').textContent(), 'Title');
      assert.equal(await reply.locator('strong').textContent(), 'bold');
      assert.match((await chat.page.locator('#connection').textContent()) ?? '', /Signed in as ada@contoso\.com via VS Code/);
      assert.equal(await chat.page.locator('#connection .connection-deployment').textContent(), 'gpt-4o');
      assert.equal(await chat.page.locator('#stop').isVisible(), false);
      assert.equal(await chat.page.locator('#send').isEnabled(), true);
      assert.equal(await chat.page.locator('.welcome').isVisible(), false);
      // A list, as VS Code's chat; announcements go through one polite status region instead.
      assert.equal(await chat.page.locator('#messages[role="list"] > .message[role="listitem"]').count(), 2);
      assert.equal(await chat.page.locator('[aria-live="polite"]').count(), 1);
    });
  });

  test('ignores messages of the wrong shape', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'kept')]));
      await chat.send(
        null,
        'snapshot',
        { type: 'snapshot' },
        { type: 'snapshot', messages: 'x', connection: {}, busy: false },
        { type: 'snapshot', messages: [{ id: 1 }], connection: { state: 'ready', label: '', deployment: '' }, busy: false },
        { type: 'delta', messageId: 'u1' },
        { type: 'messageAdded', message: { id: 'x', role: 'system', text: 'no', status: 'done' } },
        { type: 'connection', connection: { state: 'hacked', label: 'x', deployment: '' } },
        { type: 'busy', busy: 'yes' },
        { type: 'unknown' },
        { type: 'delta', messageId: 'no-such-message', text: 'nothing' },
      );
      assert.equal(await chat.page.locator('.message').count(), 1);
      assert.equal(await chat.page.locator('.message.user').textContent(), 'kept');
    });
  });
});

describe('streaming answers', () => {
  test('a wait for a rate limit is said in the answer, and the first text takes the note away', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot(), added(user('u1', 'Busy?')), added(answer('a1', '', 'streaming')), { type: 'busy', busy: true });
      await chat.sendHost({ type: 'waiting', messageId: 'a1', seconds: 15, reason: 'rateLimited' });
      const note = chat.page.locator('.message.assistant .wait-notice');
      assert.equal(await note.textContent(), 'Azure OpenAI asked to wait (rate limit): trying again in 15 s. Your question is kept; Stop cancels.');
      assert.equal(await note.getAttribute('role'), 'status', 'announced to screen readers');
      // The seconds count down while the host waits.
      const counted = async () => {
        for (let waited = 0; waited < 6_000; waited += 100) {
          const left = Number(/trying again in (\d+) s\./.exec((await note.textContent()) ?? '')?.[1]);
          if (left <= 13) {
            return left;
          }
          await chat.page.waitForTimeout(100);
        }
        return undefined;
      };
      assert.ok((await counted() ?? 0) >= 11, 'after about 2 s the note says 13 s or a little less');
      await chat.sendHost(delta('a1', 'Here it is.'));
      await chat.waitForPainted('a1', 11);
      assert.equal(await note.count(), 0);
    });
  });

  test('render markdown incrementally and never re-create finished blocks', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot(), added(user('u1', 'Explain')), added(answer('a1', '', 'streaming')), { type: 'busy', busy: true });
      const reply = chat.page.locator('.message.assistant');
      assert.equal(await reply.getAttribute('data-status'), 'streaming');
      assert.equal(await reply.getAttribute('aria-busy'), 'true');
      assert.equal(await reply.evaluate((el) => el.classList.contains('awaiting')), true, 'dots before the first word');

      const first = 'The first paragraph has *emphasis*.\n\n';
      await chat.sendHost(delta('a1', first), delta('a1', 'Second para'));
      await chat.waitForPainted('a1', first.length + 11);
      assert.equal(await reply.evaluate((el) => el.classList.contains('awaiting')), false);
      await reply.locator('p').first().evaluate((p) => {
        (p as unknown as Record<string, unknown>).__original = true;
      });

      const rest = ['graph.\n\n```js\nconst x = 1;\n', 'console.log(x);\n```\n\n- item one\n', '- item two\n'];
      let length = first.length + 11;
      for (const piece of rest) {
        length += piece.length;
        await chat.sendHost(delta('a1', piece));
        await chat.waitForPainted('a1', length);
      }
      const isOriginal = () =>
        reply.locator('p').first().evaluate((p) => (p as unknown as Record<string, unknown>).__original === true);
      assert.equal(await isOriginal(), true, 'the first paragraph is the same DOM node');
      assert.equal(await reply.locator('p').nth(1).textContent(), 'Second paragraph.');
      assert.equal(await reply.locator('pre > code.language-js').textContent(), 'const x = 1;\nconsole.log(x);\n');
      assert.equal(await reply.locator('.code-block button.copy-code').count(), 1);
      assert.equal(await reply.locator('li').count(), 2);

      await chat.sendHost(finished('a1'), { type: 'busy', busy: false });
      assert.equal(await reply.getAttribute('data-status'), 'done');
      assert.equal(await reply.getAttribute('aria-busy'), 'false');
      assert.equal(await isOriginal(), true, 'finishing keeps the nodes');
      const last = await chat.page.evaluate(() => (globalThis as unknown as PageGlobals).__lastPainted.a1);
      assert.equal(last?.final, true);
      assert.equal(last?.rebuilt, false);
      assert.equal(await reply.locator('.md-tail').count(), 0, 'no streaming wrapper left behind');
    });
  });

  test('paint once per frame however many deltas arrive', async () => {
    await withPage({ frames: 'manual' }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')]));
      await chat.page.evaluate(() => {
        const page = globalThis as unknown as PageGlobals;
        page.__painted.length = 0;
        for (let i = 0; i < 300; i++) {
          page.dispatchEvent(new page.MessageEvent('message', { data: { type: 'delta', messageId: 'a1', text: `word${i} ` } }));
        }
      });
      const paintsBeforeFrame = await chat.page.evaluate(() => (globalThis as unknown as PageGlobals).__painted.length);
      assert.equal(paintsBeforeFrame, 0, 'nothing is rendered outside a frame');
      await chat.runFrames();
      const painted = await chat.page.evaluate(() => (globalThis as unknown as PageGlobals).__painted.slice());
      assert.equal(painted.length, 1);
      assert.match((await chat.page.locator('.message.assistant').textContent()) ?? '', /word0 word1 .* word299/);
    });
  });

  test('keep painting when animation frames stop (hidden view)', async () => {
    // Manual frames that the test never runs: only the fallback timer can paint.
    await withPage({ frames: 'manual' }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')]), delta('a1', 'Still *rendered* while hidden'));
      await chat.waitForPainted('a1', 28);
      assert.equal(await chat.page.locator('.message.assistant em').textContent(), 'rendered');
    });
  });

  test('streamed rendering ends identical to a full render', async () => {
    await withPage({ frames: 'manual' }, async (chat) => {
      await chat.sendHost(snapshot());
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      for (const [index, document] of markdownCorpus.entries()) {
        const id = `doc${index}`;
        await chat.sendHost(added(answer(id, '', 'streaming')));
        // Random cuts, one frame after each, so blocks finish at every kind of boundary.
        const pieces: string[] = [];
        for (let at = 0; at < document.text.length; ) {
          const size = 1 + Math.floor(random() * 24);
          pieces.push(document.text.slice(at, at + size));
          at += size;
        }
        await chat.page.evaluate(
          ([messageId, list]) => {
            const page = globalThis as unknown as PageGlobals;
            for (const text of list) {
              page.dispatchEvent(new page.MessageEvent('message', { data: { type: 'delta', messageId, text } }));
              page.__runFrames();
            }
            page.dispatchEvent(new page.MessageEvent('message', { data: { type: 'messageFinished', messageId, status: 'done' } }));
          },
          [id, pieces] as const,
        );
        // Chunks are layout wrappers around finished blocks; the blocks themselves must match.
        const streamed = await chat.page.locator(`.message[data-id="${id}"] .message-body`).evaluate((body) => {
          const copy = body.cloneNode(true);
          for (const chunk of Array.from(copy.querySelectorAll('.md-chunk') as ArrayLike<{ replaceWith(...nodes: unknown[]): void; childNodes: ArrayLike<unknown> }>)) {
            chunk.replaceWith(...Array.from(chunk.childNodes));
          }
          return copy.innerHTML as string;
        });
        await chat.sendHost(added(answer(`${id}-full`, document.text)));
        const full = await chat.page.locator(`.message[data-id="${id}-full"] .message-body`).innerHTML();
        assert.equal(streamed, full, `${document.name}: streamed DOM equals a full render`);
      }
      // The check against a full render also runs in idle time; it must have found nothing to fix
      // except where a link reference reaches back (fixed at once, with the final paint).
      await chat.page.evaluate(async () => {
        const page = globalThis as unknown as { requestIdleCallback(callback: () => void): void };
        for (let i = 0; i < 3; i++) {
          await new Promise<void>((resolve) => page.requestIdleCallback(resolve));
        }
      });
      const rebuilds = await chat.page.evaluate(() =>
        (globalThis as unknown as PageGlobals).__painted.filter((p) => p.rebuilt).map((p) => p.messageId),
      );
      const expected = markdownCorpus.flatMap((document, index) => (document.needsRebuild ? [`doc${index}`] : []));
      assert.deepEqual(rebuilds, expected, 'blocks were split where they really end');
    });
  });

  test('a fast stream that hands over hundreds of blocks at once lays out only what is in view', async () => {
    await withPage({ height: 500 }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')]));
      // What a fast model plus a busy extension host deliver: one delta of 240 paragraphs.
      const paragraphs = Array.from({ length: 240 }, (_, i) => `Paragraph ${i} says something *useful* about the topic at hand.\n\n`);
      const text = paragraphs.join('');
      await chat.sendHost(delta('a1', text), delta('a1', 'The end'));
      await chat.waitForPainted('a1', text.length + 7);
      const readChunks = () =>
        chat.page.locator('.message[data-id="a1"] .md-chunk').evaluateAll((elements) =>
          elements.map((chunk) => ({
            blocks: (chunk as unknown as { childElementCount: number }).childElementCount,
            // A chunk's blocks are skipped by its content-visibility (no style, layout or paint)
            // until it is scrolled near the view.
            rendered: (chunk as unknown as { firstElementChild: { checkVisibility(options: object): boolean } }).firstElementChild.checkVisibility({
              contentVisibilityAuto: true,
            }),
          })),
        );
      // Following the end takes the frame after the paint (the scroll, then its layout): on a
      // busy machine that frame can come after the paint is reported, so give it a few.
      let chunks = await readChunks();
      for (let frames = 0; frames < 20 && chunks.at(-1)?.rendered !== true; frames++) {
        await chat.page.waitForTimeout(16);
        chunks = await readChunks();
      }
      assert.ok(chunks.length >= 20, `the 240 blocks are split into chunks (got ${chunks.length})`);
      assert.ok(Math.max(...chunks.map((c) => c.blocks)) <= 12, 'no chunk holds more than 12 blocks');
      const rendered = chunks.filter((c) => c.rendered).length;
      assert.ok(rendered >= 1 && rendered <= 4, `only the chunks near the bottom are rendered (${rendered} of ${chunks.length})`);
      assert.equal(chunks.at(-1)?.rendered, true, 'the newest text is on screen');
      await chat.sendHost(finished('a1'));
      const body = chat.page.locator('.message[data-id="a1"] .message-body');
      assert.equal(await body.locator('p').count(), 241, 'every paragraph is there, once');
      assert.equal(await body.locator('p').last().textContent(), 'The end');
    });
  });

  test('keep the view at the bottom unless the user scrolled up', async () => {
    await withPage({ height: 400 }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')]));
      const paragraph = 'A sentence that takes some room in a narrow chat view. '.repeat(6) + '\n\n';
      let length = 0;
      for (let i = 0; i < 8; i++) {
        await chat.sendHost(delta('a1', paragraph));
        length += paragraph.length;
      }
      await chat.waitForPainted('a1', length);
      const distanceFromBottom = () =>
        chat.page.locator('#messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
      await chat.page.waitForTimeout(50);
      assert.ok((await distanceFromBottom()) < 2, 'follows the answer');
      assert.equal(await chat.page.locator('.jump-to-bottom').isVisible(), false);

      await chat.page.locator('#messages').hover();
      await chat.page.mouse.wheel(0, -600);
      await chat.page.waitForFunction(() => {
        const list = (globalThis as unknown as PageGlobals).document.querySelector('#messages');
        return list !== null && list.scrollTop < list.scrollHeight - list.clientHeight - 100;
      });
      const readingAt = await chat.page.locator('#messages').evaluate((el) => el.scrollTop);
      await chat.sendHost(delta('a1', paragraph));
      length += paragraph.length;
      await chat.waitForPainted('a1', length);
      await chat.page.waitForTimeout(50);
      assert.equal(await chat.page.locator('#messages').evaluate((el) => el.scrollTop), readingAt, 'stays where the user reads');
      assert.equal(await chat.page.locator('.jump-to-bottom').isVisible(), true);

      await chat.page.locator('.jump-to-bottom').click();
      await chat.page.waitForTimeout(50);
      assert.ok((await distanceFromBottom()) < 2);
      await chat.sendHost(delta('a1', paragraph));
      await chat.waitForPainted('a1', length + paragraph.length);
      await chat.page.waitForTimeout(50);
      assert.ok((await distanceFromBottom()) < 2, 'follows again');
    });
  });
});

describe('hidden and shown again', () => {
  test('the reading position survives a new snapshot and a reload', async () => {
    await withPage({ height: 500 }, async (chat) => {
      const messages: ChatMessageView[] = [];
      for (let i = 0; i < 40; i++) {
        messages.push(user(`u${i}`, `Question ${i}`), answer(`a${i}`, longAnswer(700 + i)));
      }
      await chat.sendHost(snapshot(messages));
      const list = chat.page.locator('#messages');
      await list.hover();
      await chat.page.mouse.wheel(0, -6000);
      const firstVisible = () =>
        chat.page.evaluate(() => {
          const page = globalThis as unknown as PageGlobals;
          const scroller = page.document.querySelector('#messages');
          const top = scroller?.scrollTop ?? 0;
          const found = Array.from(scroller?.children ?? []).find((m) => m.offsetTop + (m as unknown as { offsetHeight: number }).offsetHeight > top + 5);
          return found?.dataset.id;
        });
      await chat.page.waitForFunction(
        () => {
          const scroller = (globalThis as unknown as PageGlobals).document.querySelector('#messages');
          return scroller !== null && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 3000;
        },
        undefined,
        { polling: 50 },
      );
      await chat.page.waitForTimeout(400);
      const reading = await firstVisible();
      assert.ok(reading && reading !== 'a39', `scrolled up to ${reading}`);

      await chat.sendHost(snapshot(messages));
      await chat.page.waitForTimeout(100);
      assert.equal(await firstVisible(), reading, 'a new snapshot keeps the position');

      await chat.page.reload();
      await chat.page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted.length > 0, undefined, { polling: 20 });
      await chat.sendHost(snapshot(messages));
      await chat.page.waitForTimeout(300);
      assert.equal(await firstVisible(), reading, 'a reloaded view returns to the same message');
    });
  });
});

describe('finished answers', () => {
  test('problems keep the partial text and offer their fixes', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')]), delta('a1', 'Partial answer'));
      await chat.sendHost({
        type: 'messageFinished',
        messageId: 'a1',
        status: 'error',
        problem: { title: 'The connection dropped.', detail: 'Try again.', actions: ['retry', 'showLog'] },
      });
      const reply = chat.page.locator('.message.assistant');
      assert.equal(await reply.getAttribute('data-status'), 'error');
      assert.equal((await reply.locator('.message-body').textContent())?.trim(), 'Partial answer');
      assert.equal(await reply.locator('.problem .problem-title').textContent(), 'The connection dropped.');
      assert.equal(await reply.locator('.problem .problem-detail').textContent(), 'Try again.');
      assert.equal(await reply.locator('.problem .problem-detail code').count(), 0);
      await chat.clearPosted();
      await reply.locator('button[data-action="retry"]').click();
      await reply.locator('button[data-action="showLog"]').click();
      assert.deepEqual(await chat.posted(), [
        { type: 'retry', messageId: 'a1' },
        { type: 'fix', action: 'showLog' },
      ]);
      await chat.page.waitForFunction(
        () => /dropped/.test((globalThis as unknown as PageGlobals).document.querySelector('[aria-live="polite"]')?.textContent ?? ''),
        undefined,
        { polling: 20 },
      );

      await chat.sendHost({ type: 'messageRemoved', messageId: 'a1' });
      assert.equal(await chat.page.locator('.message.assistant').count(), 0);
    });
  });

  test('numbered lists show every number whole, however far they count, at side bar width', async () => {
    await withPage({ width: 340 }, async (chat) => {
      const list = (from: number, count: number) => Array.from({ length: count }, (_, i) => `${from + i}. item ${from + i}`).join('\n');
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', `${list(1, 9)}\n\ntext\n\n${list(1, 12)}\n\ntext\n\n${list(98, 5)}\n\ntext\n\n${list(9995, 6)}`)]));
      // Each list's widest marker ("10000. ") must fit in the padding it sits in, or its first
      // digits are cut off at the edge of the message.
      // A string: the test code compiles without DOM types.
      const lists = (await chat.page.evaluate(`Array.from(document.querySelectorAll('.message.assistant ol')).map((ol) => {
        const items = ol.querySelectorAll(':scope > li');
        const widest = Number(ol.getAttribute('start') ?? 1) + items.length - 1;
        const probe = document.createElement('span');
        probe.textContent = widest + '. ';
        probe.style.whiteSpace = 'pre';
        items[0].prepend(probe);
        const marker = probe.getBoundingClientRect().width;
        probe.remove();
        return { widest, marker: Math.ceil(marker), padding: Math.floor(parseFloat(getComputedStyle(ol).paddingLeft)) };
      })`)) as { widest: number; marker: number; padding: number }[];
      assert.deepEqual(lists.map((l) => l.widest), [9, 12, 102, 10000]);
      for (const l of lists) {
        assert.ok(l.padding >= l.marker, `a list counting to ${l.widest} has ${l.padding} px for a ${l.marker} px number`);
      }
    });
  });

  test('commands in a problem show as code, and nothing in a detail is markup', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')]), {
        type: 'messageFinished',
        messageId: 'a1',
        status: 'error',
        problem: { title: 'Not signed in.', detail: 'Run `az login` in a terminal. The server said: <b>no</b> `<img src=x>`', actions: ['signIn'] },
      });
      const detail = chat.page.locator('.message.assistant .problem-detail');
      assert.equal(await detail.textContent(), 'Run az login in a terminal. The server said: <b>no</b> <img src=x>');
      assert.deepEqual(await detail.locator('code').allTextContents(), ['az login', '<img src=x>']);
      assert.equal(await detail.locator('b, img').count(), 0);
    });
  });

  test('a stopped answer says so', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', 'Half of', 'streaming')]), finished('a1', 'stopped'));
      const reply = chat.page.locator('.message.assistant');
      assert.equal(await reply.getAttribute('data-status'), 'stopped');
      assert.equal((await reply.locator('.message-body').textContent())?.trim(), 'Half of');
      assert.equal(await reply.locator('.message-note').textContent(), 'Stopped');
    });
  });

  test('links go to the host, which asks before opening them', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', 'Read [the docs](https://example.com/docs?a=1&b=2) or https://example.org.')]));
      const url = chat.page.url();
      await chat.clearPosted();
      const link = chat.page.locator('.message.assistant a').first();
      assert.equal(await link.getAttribute('title'), 'https://example.com/docs?a=1&b=2');
      await link.click();
      await link.click({ button: 'middle' });
      await chat.page.locator('.message.assistant a').nth(1).press('Enter');
      await chat.page.waitForTimeout(100);
      assert.equal(chat.page.url(), url, 'the webview did not navigate');
      assert.equal(chat.context.pages().length, 1, 'no window opened');
      assert.deepEqual(await chat.posted(), [
        { type: 'openLink', url: 'https://example.com/docs?a=1&b=2' },
        { type: 'openLink', url: 'https://example.com/docs?a=1&b=2' },
        { type: 'openLink', url: 'https://example.org' },
      ]);
    });
  });

  test('code blocks have a working Copy button', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', 'Run:\n\n```sh\nnpm install\nnpm test\n```\n')]));
      const button = chat.page.locator('.message.assistant .copy-code');
      assert.equal(await button.getAttribute('aria-label'), 'Copy code');
      await button.click();
      await chat.page.waitForFunction(() =>
        (globalThis as unknown as PageGlobals).document.querySelector('.copy-code.copied') !== null,
      );
      assert.equal(await button.getAttribute('aria-label'), 'Copied');
      const copied = await chat.page.evaluate(() =>
        (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
      );
      assert.equal(copied, 'npm install\nnpm test\n');
      assert.equal(await chat.page.locator('.message.assistant code.language-sh').count(), 1);
    });
  });
});

describe('composer', () => {
  test('Enter sends, Shift+Enter adds a line, IME Enter and blank input do nothing', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot());
      await chat.clearPosted();
      const input = chat.page.locator('textarea#question');
      assert.equal(await input.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement), true);

      await input.press('Enter');
      await input.fill('   \n  ');
      await input.press('Enter');
      assert.deepEqual(await chat.posted(), [], 'blank questions are not sent');

      await input.fill('');
      await input.type('line one');
      await input.press('Shift+Enter');
      await input.type('line two');
      assert.equal(await input.inputValue(), 'line one\nline two');
      await input.evaluate((el) => {
        const page = globalThis as unknown as PageGlobals;
        el.dispatchEvent(new page.KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true }));
      });
      assert.deepEqual(await chat.posted(), [], 'Enter confirming an IME composition does not send');
      await input.press('Enter');
      assert.deepEqual(await chat.posted(), [{ type: 'send', text: 'line one\nline two' }]);
      assert.equal(await input.inputValue(), '', 'the box empties after sending');

      await input.fill('via the button');
      await chat.page.locator('#send').click();
      assert.deepEqual((await chat.posted()).at(-1), { type: 'send', text: 'via the button' });
    });
  });

  test('grows with its text up to about twelve lines', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot());
      const input = chat.page.locator('textarea#question');
      const oneLine = await input.evaluate((el) => el.clientHeight);
      await input.fill('1\n2\n3\n4');
      const fourLines = await input.evaluate((el) => el.clientHeight);
      await input.fill(Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n'));
      const capped = await input.evaluate((el) => ({ height: el.clientHeight, scrolls: el.scrollHeight > el.clientHeight }));
      assert.ok(fourLines > oneLine * 2, `grows (${oneLine} -> ${fourLines})`);
      assert.ok(capped.height < 300 && capped.height > fourLines * 2, `caps (${capped.height})`);
      assert.equal(capped.scrolls, true);
    });
  });

  test('while busy: typing works, sending waits, Stop and Escape stop', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')], { busy: true }));
      await chat.clearPosted();
      const input = chat.page.locator('textarea#question');
      assert.equal(await chat.page.locator('#stop').isVisible(), true);
      assert.equal(await chat.page.locator('#send').isDisabled(), true);
      await input.type('next question');
      await input.press('Enter');
      assert.equal(await input.inputValue(), 'next question', 'kept for later');
      await chat.page.locator('#stop').click();
      await input.press('Escape');
      await chat.page.locator('#messages').press('Escape');
      assert.deepEqual(await chat.posted(), [{ type: 'stop' }, { type: 'stop' }, { type: 'stop' }]);

      await chat.sendHost(finished('a1', 'stopped'), { type: 'busy', busy: false });
      assert.equal(await chat.page.locator('#stop').isVisible(), false);
      await input.press('Escape');
      await input.press('Enter');
      assert.deepEqual((await chat.posted()).slice(3), [{ type: 'send', text: 'next question' }]);
    });
  });

  test('restoreDraft puts an unsent question back; the draft survives a reload', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot(), { type: 'restoreDraft', text: 'could not send this' });
      const input = chat.page.locator('textarea#question');
      assert.equal(await input.inputValue(), 'could not send this');
      await input.fill('half-written thought');
      await chat.page.reload();
      await chat.page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted.length > 0);
      assert.equal(await chat.page.locator('textarea#question').inputValue(), 'half-written thought');
    });
  });

  test('New chat asks the host from the editor panel; the sidebar leaves it to its title bar', async () => {
    await withPage({ surface: 'panel' }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q')]));
      await chat.clearPosted();
      await chat.page.locator('#new-chat').click();
      assert.deepEqual(await chat.posted(), [{ type: 'newChat' }]);
    });
    await withPage({ surface: 'sidebar' }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q')]));
      assert.equal(await chat.page.locator('#new-chat').count(), 0, 'one New chat button in the sidebar, the view title action');
    });
  });
});

describe('connection header', () => {
  test('signed out: offers Microsoft sign-in and an API key', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([], { connection: { state: 'signedOut', label: 'Not signed in', deployment: 'gpt-4o' } }));
      await chat.clearPosted();
      assert.equal(await chat.page.locator('#sign-in').textContent(), 'Sign in with Microsoft');
      await chat.page.locator('#sign-in').click();
      await chat.page.locator('#use-api-key').click();
      assert.deepEqual(await chat.posted(), [
        { type: 'fix', action: 'signIn' },
        { type: 'fix', action: 'setApiKey' },
      ]);
      await chat.sendHost({ type: 'connection', connection: { state: 'ready', label: 'API key', deployment: 'gpt-4o' } });
      assert.equal(await chat.page.locator('#sign-in').count(), 0);
      assert.equal(await chat.page.locator('#connection .connection-label').textContent(), 'API key');
    });
  });

  test('signed out with auth "apiKey": only the API key is offered, since a Microsoft sign-in would change nothing', async () => {
    await withPage({}, async (chat) => {
      const problem = { title: 'No API key is stored.', detail: 'Run "Azure OpenAI: Set API Key".', actions: ['setApiKey' as const] };
      await chat.sendHost(snapshot([], { connection: { state: 'signedOut', label: 'Not signed in', deployment: 'gpt-4o', problem } }));
      assert.equal(await chat.page.locator('#sign-in').count(), 0, 'no Sign in with Microsoft');
      assert.equal(await chat.page.locator('#use-api-key').count(), 1);
      assert.equal(await chat.page.locator('#connection button', { hasText: /API key/ }).count(), 1, 'the key is offered once, not again by the problem');
    });
  });

  test('misconfigured: shows the problem with Open Settings', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(
        snapshot([], {
          connection: {
            state: 'misconfigured',
            label: 'Not configured',
            deployment: '',
            problem: { title: 'No endpoint is set.', detail: 'Set azureOpenAIChat.endpoint.', actions: ['showLog'] },
          },
        }),
      );
      const problem = chat.page.locator('#connection .problem');
      assert.equal(await problem.isVisible(), true);
      assert.equal(await problem.locator('.problem-title').textContent(), 'No endpoint is set.');
      await chat.clearPosted();
      await problem.locator('button[data-action="openSettings"]').click();
      await problem.locator('button[data-action="showLog"]').click();
      assert.deepEqual(await chat.posted(), [
        { type: 'fix', action: 'openSettings' },
        { type: 'fix', action: 'showLog' },
      ]);
    });
  });
});

describe('deployment picker and Diagnose (deployment discovery)', () => {
  test('the header shows the deployment as a keyboard-reachable picker and the tenant when it is not the home one', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([], { connection: { state: 'ready', label: 'API key', deployment: 'gpt-4o', tenant: 'Fabrikam' } }));
      const picker = chat.page.locator('#deployment-picker');
      assert.equal(await picker.textContent(), 'gpt-4o');
      assert.equal(await picker.getAttribute('aria-label'), 'Deployment gpt-4o, switch deployment');
      assert.equal(await chat.page.locator('#connection-tenant').textContent(), 'Tenant: Fabrikam');
      await chat.clearPosted();
      await picker.focus();
      await chat.page.keyboard.press('Enter');
      assert.deepEqual(await chat.posted(), [{ type: 'pickDeployment' }]);
      await chat.sendHost({ type: 'connection', connection: { state: 'misconfigured', label: 'Not configured', deployment: '' } });
      assert.equal(await picker.textContent(), 'Select deployment');
      assert.equal(await chat.page.locator('#connection-tenant').isVisible(), false);
      await chat.sendHost({
        type: 'connection',
        connection: { state: 'misconfigured', label: 'Not configured', deployment: '', problem: { title: 'Set your endpoint.', detail: '', actions: ['selectDeployment', 'openSettings'] } },
      });
      await chat.clearPosted();
      await chat.page.locator('#connection .problem button[data-action="selectDeployment"]').click();
      assert.deepEqual(await chat.posted(), [{ type: 'fix', action: 'selectDeployment' }]);
    });
  });

  test('every problem card offers Diagnose', async () => {
    await withPage({}, async (chat) => {
      const problem = { title: 'Your account has no access.', detail: 'Ask an owner.', actions: ['retry', 'showLog'] } as const;
      await chat.sendHost(snapshot([user('u1', 'q'), { ...answer('a1', ''), status: 'error', problem }]));
      await chat.clearPosted();
      await chat.page.locator('.message.assistant .problem button[data-action="diagnose"]').click();
      assert.deepEqual(await chat.posted(), [{ type: 'fix', action: 'diagnose' }]);
    });
  });
});

describe('hostile model output', () => {
  let leak: LeakServer;
  before(async () => {
    leak = await LeakServer.start();
  });
  after(async () => {
    await leak?.close();
  });

  for (const csp of ['production', 'none'] as const) {
    test(`runs nothing, loads nothing, links nothing unsafe (CSP: ${csp})`, async () => {
      await withPage({ csp }, async (chat) => {
        const corpus = hostileCorpus(leak.origin);
        await chat.sendHost(snapshot([user('u0', corpus)]));
        // Once as a finished answer in a snapshot, once streamed in small uneven pieces.
        await chat.sendHost(added(answer('full', corpus)), added(answer('streamed', '', 'streaming')));
        const pieces: HostToWebviewMessage[] = [];
        for (let at = 0, size = 1; at < corpus.length; at += size, size = (size % 97) + 13) {
          pieces.push(delta('streamed', corpus.slice(at, at + size)));
        }
        for (let i = 0; i < pieces.length; i += 50) {
          await chat.sendHost(...pieces.slice(i, i + 50));
          await chat.page.evaluate(
            () => new Promise((resolve) => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => resolve(null))),
          );
        }
        await chat.waitForPainted('streamed', corpus.length);
        await chat.sendHost(finished('streamed'));
        await chat.page.waitForTimeout(300);

        const report = await chat.page.evaluate(() => {
          const page = globalThis as unknown as PageGlobals;
          const inMessages = (selector: string) => Array.from(page.document.querySelectorAll(`.message :is(${selector})`));
          return {
            pwned: page.__pwned,
            forbiddenEver: page.__forbidden.slice(),
            forbiddenNow: inMessages('img,iframe,frame,script,svg,object,embed,video,audio,source,link,style,meta,base,form,input,math,template').length,
            styled: inMessages('[style]').length,
            handlers: inMessages('*').filter((el) => el.getAttributeNames().some((name) => /^on/i.test(name))).length,
            hrefs: inMessages('a').map((a) => a.getAttribute('href') ?? ''),
            placeholders: inMessages('.blocked-image').map((el) => el.textContent ?? ''),
            violations: page.__violations.slice(),
            codeText: inMessages('.message[data-id="full"] pre code').map((el) => el.textContent ?? '').join('\n'),
            bodyText: page.document.querySelector('.message[data-id="full"] .message-body')?.textContent ?? '',
            overflow: Array.from(page.document.querySelectorAll('.message-body')).map((el) => el.scrollWidth - el.clientWidth),
          };
        });
        assert.equal(report.pwned, undefined, 'no injected script ran');
        assert.deepEqual(chat.dialogs, [], 'no dialog opened');
        assert.deepEqual(leak.requests, [], 'nothing was requested from the loopback server');
        assert.deepEqual(report.forbiddenEver, [], 'no active element was ever attached, even briefly');
        assert.equal(report.forbiddenNow, 0);
        assert.equal(report.styled, 0, 'no inline style attributes');
        assert.equal(report.handlers, 0, 'no event handler attributes');
        for (const href of report.hrefs) {
          assert.match(href, /^https?:\/\//, `only http(s) links: ${href}`);
        }
        assert.ok(
          report.placeholders.some((text) => text.includes(`${leak.origin}/leak?d=secret`)),
          'the blocked image shows its URL as text',
        );
        assert.match(report.bodyText, /\[a\]\(javascript:alert\(1\)\)/, 'a javascript: link stays text');
        assert.match(report.bodyText, /\[b\]\(data:text\/html/, 'a data: link stays text');
        assert.match(report.bodyText, /<script>window\.__pwned = 1<\/script>/, 'raw HTML is shown as text');
        assert.match(report.codeText, /<img src=x onerror="window\.__pwned = 1">/, 'HTML in a fence is code');
        assert.ok(report.bodyText.includes('\uFFFD') || report.bodyText.includes('\uD800'), 'lone surrogates render');
        assert.ok(Math.max(...report.overflow) <= 1, `a 100k-character line wraps (overflow ${Math.max(...report.overflow)}px)`);
        if (csp === 'production') {
          assert.deepEqual(report.violations, [], 'the UI itself needs nothing the CSP forbids');
        }
      });
    });
  }
});

// Speed is measured by `npm run bench` (side by side, as ratios), not asserted here: these check
// that long answers and conversations render completely and correctly.
describe('long answers and conversations', () => {
  test('a 100k-character answer streams to the exact full text, without a rebuild', async () => {
    await withPage({ frames: 'manual', height: 800 }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'Write a long report')]));
      // The answer ends with the same 10k characters it starts with, cut into the same deltas, so
      // the first and the last tenth differ only in how much answer came before them.
      const tenth = longAnswer(10_000);
      const text = `${tenth}\n\n${longAnswer(80_000 - 4)}\n\n${tenth}`;
      const result = await chat.page.evaluate(
        ([head, middle]) => {
          const page = globalThis as unknown as PageGlobals;
          const list = page.document.querySelector('#messages');
          const send = (data: unknown) => page.dispatchEvent(new page.MessageEvent('message', { data }));
          // Each delta is followed by its frame: dispatch + markdown + DOM + style + layout.
          const stream = (messageId: string, source: string) => {
            const costs: number[] = [];
            const renders: number[] = [];
            for (let at = 0, i = 0; at < source.length; i++) {
              const size = 20 + ((i * 7) % 41);
              const started = page.performance.now();
              send({ type: 'delta', messageId, text: source.slice(at, at + size) });
              page.__runFrames();
              void list?.scrollHeight;
              costs.push(page.performance.now() - started);
              renders.push(page.__lastPainted[messageId]?.durationMs ?? 0);
              at += size;
            }
            return { costs, renders };
          };
          // A short answer first, so the JIT and style caches are warm when measuring starts.
          send({ type: 'messageAdded', message: { id: 'warm-up', role: 'assistant', text: '', status: 'streaming' } });
          stream('warm-up', head + middle.slice(0, 10_000));
          send({ type: 'messageFinished', messageId: 'warm-up', status: 'done' });
          send({ type: 'messageAdded', message: { id: 'long', role: 'assistant', text: '', status: 'streaming' } });
          const first = stream('long', head);
          stream('long', middle);
          const last = stream('long', head);
          return { first, last };
        },
        [tenth, `\n\n${longAnswer(80_000 - 4)}\n\n`] as const,
      );
      const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
      const [earlyRender, lateRender] = [median(result.first.renders), median(result.last.renders)];
      const [early, late] = [median(result.first.costs), median(result.last.costs)];
      console.log(
        `  100k answer, median per delta, first 10% -> last 10%: render (markdown + DOM) ` +
          `${earlyRender.toFixed(3)} -> ${lateRender.toFixed(3)} ms, with style and layout ${early.toFixed(3)} -> ${late.toFixed(3)} ms`,
      );
      // Floors: below them a ratio would measure timer resolution and machine noise, not the renderer.
      await chat.sendHost(finished('long'));
      const last = await chat.page.evaluate(() => (globalThis as unknown as PageGlobals).__lastPainted.long);
      assert.equal(last?.rebuilt, false);
      assert.equal(last?.length, text.length);
    });
  });

  test('a 500-message snapshot renders every message, opening at the latest', async () => {
    await withPage({ surface: 'panel', width: 1000, height: 800 }, async (chat) => {
      const messages: ChatMessageView[] = [];
      const reply = longAnswer(1_500);
      for (let i = 0; i < 250; i++) {
        messages.push(user(`u${i}`, `Question number ${i}: how does this work?`), answer(`a${i}`, reply));
      }
      const timing = await chat.page.evaluate(async (list) => {
        const page = globalThis as unknown as PageGlobals;
        const started = page.performance.now();
        page.dispatchEvent(new page.MessageEvent('message', { data: { type: 'snapshot', messages: list, connection: { state: 'ready', label: 'x', deployment: 'y' }, busy: false } }));
        const rendered = page.performance.now();
        await new Promise((resolve) => page.requestAnimationFrame(() => resolve(null)));
        return { dom: rendered - started, firstFrame: page.performance.now() - started };
      }, messages);
      console.log(`  500-message snapshot: DOM built in ${timing.dom.toFixed(1)} ms, next frame after ${timing.firstFrame.toFixed(1)} ms`);
      assert.equal(await chat.page.locator('.message').count(), 500);
      await chat.page.waitForTimeout(100);
      const atBottom = await chat.page.locator('#messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2);
      assert.equal(atBottom, true, 'opens at the latest message');
      // Older answers are rendered in idle time.
      await chat.page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).document.querySelector('.message-body.deferred') === null,
        undefined,
        { polling: 50, timeout: 10_000 },
      );
      assert.ok((await chat.page.locator('.message[data-id="a0"] li').count()) > 0, 'the oldest answer is markdown too');
    });
  });
});
