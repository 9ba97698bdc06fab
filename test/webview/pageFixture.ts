/**
 * What every webview test file needs: one Chromium, one page server and one chat session for the
 * file, started before its tests and closed after them, and `withPage`, which opens a chat page,
 * runs a test's body in it, and fails the test on any uncaught error in the webview.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ChatMessageView } from '../../src/common/protocol';
import { type ChatPage, ChatSession, launchBrowser, PageServer, type PageOptions } from './chatPage';

export interface ChatPages {
  /** The file's session, for tests that manage a page themselves. */
  readonly session: () => ChatSession;
  withPage(options: PageOptions, body: (chat: ChatPage) => Promise<void>): Promise<void>;
}

export function chatPagesForThisFile(): ChatPages {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  let session: ChatSession | undefined;
  before(async () => {
    server = await PageServer.start();
    browser = await launchBrowser();
    session = await ChatSession.start(browser, server);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = (): ChatSession => {
    assert.ok(session, 'the chat session starts in before()');
    return session;
  };
  return {
    session: started,
    async withPage(options, body) {
      const chat = await started().open(options);
      try {
        await body(chat);
        assert.deepEqual(chat.errors, [], 'no uncaught errors in the webview');
      } finally {
        chat.close();
      }
    },
  };
}

/** A finished question, as a snapshot carries it. */
export const user = (id: string, text: string, extra: Partial<ChatMessageView> = {}): ChatMessageView => ({ id, role: 'user', text, status: 'done', ...extra });

/** An answer, finished unless said otherwise. */
export const answer = (id: string, text: string, status: ChatMessageView['status'] = 'done'): ChatMessageView => ({ id, role: 'assistant', text, status });
