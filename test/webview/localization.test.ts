/**
 * The webview's strings come from one table the host can translate: with a pseudo-locale table
 * in the initial state, no English is left anywhere a user reads or hears it (text, aria-label,
 * title, placeholder, and the labels the CSS draws from data attributes). The host's data in
 * this test (names, messages, titles) is Greek, so any Latin letter left is an untranslated
 * string. Run: node --test out/test/webview/localization.test.js
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { englishWebviewStrings, mergeWebviewStrings, formatString, placeholders } from '../../src/common/webviewStrings';
import { type ChatPage, snapshot } from './chatPage';
import { answer, chatPagesForThisFile, user } from './pageFixture';

const pages = chatPagesForThisFile();

/** Latin letters become look-alikes from other scripts; `{0}` stays an argument. */
const pseudo: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(englishWebviewStrings).map(([key, english]) => [
    key,
    `⟦${english.split(/(\{\d+\})/).map((part, index) => (index % 2 === 1 ? part : part.replace(/[A-Za-z]/g, (letter) => pseudoLetter(letter)))).join('')}⟧`,
  ]),
);

function pseudoLetter(letter: string): string {
  const code = letter.charCodeAt(0);
  // Fullwidth Latin: visibly "translated", and no longer [A-Za-z].
  return String.fromCharCode(code + 0xfee0);
}

/** Every string a user reads or hears in #chat-root that still has a Latin letter. */
async function englishLeft(chat: ChatPage): Promise<string[]> {
  return chat.page.evaluate(() => {
    interface Node {
      readonly nodeType: number;
      readonly nodeValue: string | null;
      readonly childNodes: ArrayLike<Node>;
      readonly parentElement: { closest(s: string): unknown; tagName: string } | null;
      getAttribute?(name: string): string | null;
      readonly tagName?: string;
    }
    const page = globalThis as unknown as { document: { getElementById(id: string): Node } };
    const root = page.document.getElementById('chat-root');
    const found: string[] = [];
    const latin = /[A-Za-z]/;
    const attributes = ['aria-label', 'title', 'placeholder', 'alt', 'data-speaker', 'data-label', 'data-done-label'];
    const visit = (node: Node): void => {
      if (node.nodeType === 3) {
        // Code, links and answers are the host's data (Greek here); `code` inside problems too.
        if (node.nodeValue && latin.test(node.nodeValue)) {
          found.push(`text "${node.nodeValue.trim()}" in <${node.parentElement?.tagName.toLowerCase() ?? '?'}>`);
        }
        return;
      }
      if (node.nodeType !== 1) {
        return;
      }
      for (const name of attributes) {
        const value = node.getAttribute?.(name);
        if (value && latin.test(value)) {
          found.push(`${name}="${value}" on <${node.tagName?.toLowerCase() ?? '?'}>`);
        }
      }
      for (const child of Array.from(node.childNodes)) {
        visit(child);
      }
    };
    visit(root);
    return found;
  });
}

const greek = {
  label: 'Συνδεδεμένος ως αδα μέσω ΒΣ',
  deployment: 'μοντέλο-4',
  code: 'Ιδού:\n\n```\nλ = 42\n```\n\nΚαι **έντονα**, ![εικόνα](1)',
};

describe('a pseudo-locale table reaches every string of the webview', () => {
  test('empty chat, welcome and sign-in', async () => {
    await pages.withPage({ strings: pseudo, lang: 'el', surface: 'panel' }, async (chat) => {
      await chat.sendHost(snapshot([], { connection: { state: 'signedOut', label: 'Αποσυνδεδεμένος', deployment: '' } }));
      assert.deepEqual(await englishLeft(chat), []);
      await chat.sendHost(snapshot([], { connection: { state: 'misconfigured', label: 'Ρύθμιση', deployment: '' } }));
      assert.deepEqual(await englishLeft(chat), []);
    });
  });

  test('answers, code, a problem, a wait, a stream, models, context, history, help', async () => {
    await pages.withPage({ strings: pseudo, lang: 'el', surface: 'panel' }, async (chat) => {
      await chat.sendHost(
        snapshot(
          [
            user('u1', 'Δείξε κώδικα', { attachments: [{ id: 's1', kind: 'selection', name: 'αρχείο:3-9', language: 'ts', tokens: 42, truncated: true, note: 'κομμένο' }] }),
            answer('a1', greek.code),
            user('u2', 'Και τώρα;'),
            { id: 'a2', role: 'assistant', text: 'Μισό', status: 'error', problem: { title: 'Η σύνδεση έπεσε.', detail: 'Τρέξε `αζ λογκιν`.', actions: ['retry', 'showLog', 'signIn', 'setApiKey', 'setSubscriptionKey', 'openSettings', 'selectDeployment', 'newChat'] } },
            user('u3', 'Τρίτο'),
            { id: 'a3', role: 'assistant', text: 'Σταμάτησε', status: 'stopped' },
            user('u4', 'Τέταρτο'),
            answer('a4', 'Ρέει', 'streaming'),
          ],
          { busy: true, connection: { state: 'ready', label: greek.label, deployment: greek.deployment, tenant: 'ενοικιαστής' } },
        ),
        { type: 'conversation', id: 'c1', title: 'Δείξε κώδικα' },
        { type: 'waiting', messageId: 'a4', seconds: 30, reason: 'rateLimited' },
        { type: 'reasoningDelta', messageId: 'a1', text: '**Σκέψη**' },
        { type: 'usage', messageId: 'a1', usage: { inputTokens: 1200, outputTokens: 300, reasoningTokens: 20, contextWindow: 128000 } },
        { type: 'sendingStartsAt', messageId: 'u2' },
        { type: 'modelState', state: { model: 'μοντέλο', efforts: ['minimal', 'low', 'medium', 'high'], effort: 'low' } },
        { type: 'attachments', items: [{ id: 'f1', kind: 'file', name: 'αρχείο.τσ', language: 'ts', tokens: 10, truncated: false }] },
      );
      await chat.page.locator('details.reasoning summary').click();
      assert.deepEqual(await englishLeft(chat), []);

      // The answer's announcement and the edit note.
      await chat.sendHost({ type: 'messageFinished', messageId: 'a4', status: 'done' }, { type: 'busy', busy: false });
      await chat.page.locator('.message.user.last-turn .edit-question').click();
      await chat.page.locator('.message.assistant .copy-code').first().click();
      await chat.page.waitForTimeout(100);
      assert.deepEqual(await englishLeft(chat), []);

      await chat.page.locator('#show-history').click();
      await chat.sendHost({ type: 'history', query: '', items: [{ id: 'c1', title: 'Δείξε κώδικα', updated: Date.now() }, { id: 'c2', title: 'Παλιά', updated: Date.now() - 5 * 86_400_000 }] });
      await chat.sendHost({ type: 'conversationDeleted', id: 'c2', title: 'Παλιά' });
      assert.deepEqual(await englishLeft(chat), []);
      await chat.page.locator('#history-search').fill('ψ');
      await chat.sendHost({ type: 'history', query: 'ψ', items: [] });
      assert.deepEqual(await englishLeft(chat), []);
      await chat.page.keyboard.press('Escape');

      await chat.page.keyboard.press('Alt+F1');
      await chat.page.locator('#accessibility-help').waitFor();
      assert.deepEqual(await englishLeft(chat), []);

      // A question longer than the limit: the warning.
      await chat.page.locator('#accessibility-help button').click();
      await chat.page.locator('textarea#question').fill('ω'.repeat(200_001));
      await chat.page.locator('textarea#question').press('Enter');
      assert.deepEqual(await englishLeft(chat), []);
    });
  });
});

describe('the strings table', () => {
  test('a translation is used only for known keys, as a string that keeps the same arguments', () => {
    const merged = mergeWebviewStrings({
      send: 'Senden',
      deploymentLabel: 'Bereitstellung {0}',
      tenant: 'Mandant',
      stop: 42,
      unknownKey: 'x',
      questionTooLong: 'Zu lang: {1} / {0}',
    });
    assert.equal(merged.send, 'Senden');
    assert.equal(merged.deploymentLabel, 'Bereitstellung {0}');
    assert.equal(merged.tenant, englishWebviewStrings.tenant, 'lost its argument');
    assert.equal(merged.stop, englishWebviewStrings.stop, 'not a string');
    assert.equal(merged.questionTooLong, 'Zu lang: {1} / {0}', 'arguments may move');
    assert.equal(Object.hasOwn(merged, 'unknownKey'), false);
    assert.deepEqual(mergeWebviewStrings('nonsense'), englishWebviewStrings);
    assert.equal(placeholders('a {1} b {0} {1}'), '{0},{1}');
    assert.equal(formatString('{0} and {1}', '{1}', 'x'), '{1} and x', 'one pass: an argument is not formatted again');
  });
});
