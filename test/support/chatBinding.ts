/**
 * The one way tests and the benchmark bind a chat view: the product's ChatWebviewBinding with
 * inert connection, fix and link handlers unless a test names its own. The extension builds
 * its bindings in one place too (src/conversations/registerConversations.ts).
 */
import type { ChatSession } from '../../src/chat/chatSession';
import type { ConnectionView } from '../../src/common/protocol';
import { toDisposable } from '../../src/common/dispose';
import { silentLogger } from '../../src/logging/logger';
import { type BindingDeps, ChatWebviewBinding, type WebviewSurface } from '../../src/webviewHost/chatWebviewBinding';

export const readyConnection: ConnectionView = { state: 'ready', label: 'Signed in as ada@contoso.test via VS Code', deployment: 'gpt-4o-mini' };

export function bindChat(surface: WebviewSurface, session: ChatSession, overrides: Partial<Omit<BindingDeps, 'session'>> = {}): ChatWebviewBinding {
  return new ChatWebviewBinding(surface, {
    session,
    connection: async () => readyConnection,
    onDidChangeConnection: () => toDisposable(() => undefined),
    runFix: () => undefined,
    openLink: () => undefined,
    log: silentLogger,
    ...overrides,
  });
}
