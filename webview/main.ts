/**
 * Entry point of the chat webview (dist/webview.js). Builds the UI into #chat-root, routes host
 * messages to the parts that show them and user actions to the host, then says `ready`: the
 * host sends nothing before that, and answers it with a snapshot.
 */
import type { FixAction, HostToWebviewMessage } from '../src/common/protocol';
import { protocolLimits } from '../src/common/protocol';
import { copyCode } from './codeCopy';
import { Composer } from './composer';
import { ConversationsUi } from './conversationsUi';
import { Header } from './header';
import { parseHostMessage } from './hostMessages';
import { MessageList } from './messageList';
import { ModelsUi } from './models';
import { ToolCardsUi } from './toolCards';
import { actionLabels } from './problems';
import { Host } from './vscodeApi';
import { WaitNotice } from './waitNotice';

const host = new Host();
const root = document.getElementById('chat-root') ?? document.body.appendChild(document.createElement('div'));
root.id = 'chat-root';

const header = new Header();
const messages = new MessageList((scroll) => host.saveState({ scroll }));
const models = new ModelsUi((id) => messages.elementFor(id), (effort) => host.post({ type: 'setReasoningEffort', effort }));
const waits = new WaitNotice((id) => messages.elementFor(id));
const toolCards = new ToolCardsUi((id) => messages.elementFor(id));
const composer = new Composer(
  {
    send: (text) => conversations.send(text),
    stop: () => host.post({ type: 'stop' }),
    draftChanged: (draft) => host.saveState({ draft }),
  },
  host.uiState.draft,
);

const topBar = document.createElement('div');
topBar.className = 'top-bar';
topBar.append(header.element, models.toolbar);
// The sidebar view has New chat in its title bar, as VS Code's views do; the editor panel has no
// title bar, so it gets the button here.
if (root.dataset.surface !== 'sidebar') {
  const newChat = document.createElement('button');
  newChat.id = 'new-chat';
  newChat.type = 'button';
  newChat.className = 'icon-button new-chat';
  newChat.setAttribute('aria-label', 'New chat');
  newChat.title = 'New chat';
  newChat.addEventListener('click', () => host.post({ type: 'newChat' }));
  topBar.append(newChat);
}
root.append(topBar, messages.element, composer.element);
// Conversations feature: history, title, context chips, code and turn actions.
const conversations = new ConversationsUi({
  root,
  topBar,
  composer,
  scroller: messages.element.querySelector<HTMLElement>('#messages') ?? messages.element,
  post: (message) => host.post(message),
});
composer.attached();

/** Buttons inside problems and the header name a fix; retry also names its message. */
root.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const actionButton = target?.closest<HTMLButtonElement>('button[data-action]');
  if (actionButton) {
    const action = actionButton.dataset.action;
    if (action === 'retry') {
      const messageId = actionButton.closest<HTMLElement>('.message')?.dataset.id;
      if (messageId) {
        host.post({ type: 'retry', messageId });
      }
    } else if (action && Object.hasOwn(actionLabels, action)) {
      host.post({ type: 'fix', action: action as FixAction });
    }
    return;
  }
  // Deployment discovery: the header's deployment picker.
  if (target?.closest('#deployment-picker')) {
    host.post({ type: 'pickDeployment' });
    return;
  }
  const copyButton = target?.closest<HTMLButtonElement>('button.copy-code');
  if (copyButton) {
    void copyCode(copyButton);
  }
});

/**
 * Links in answers open only through the host, which asks the user first. The listener sits on
 * the document and stops propagation, because VS Code's own webview script opens clicked links
 * from a window listener without asking. Middle clicks are caught the same way.
 */
function onLinkActivated(event: MouseEvent): void {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest('a');
  if (!link) {
    return;
  }
  event.preventDefault();
  event.stopPropagation();
  if (event.type === 'auxclick' && event.button !== 1) {
    return;
  }
  const url = link.getAttribute('href') ?? '';
  if (/^https?:\/\//i.test(url) && url.length <= protocolLimits.maxUrlLength) {
    host.post({ type: 'openLink', url });
  }
}
document.addEventListener('click', onLinkActivated);
document.addEventListener('auxclick', onLinkActivated);

function handle(message: HostToWebviewMessage): void {
  switch (message.type) {
    case 'snapshot':
      header.update(message.connection);
      composer.setBusy(message.busy);
      conversations.turns.remember(message.messages);
      messages.reset(message.messages, host.uiState.scroll);
      models.restore(message.messages, true);
      toolCards.restore(message.messages, true);
      return;
    case 'messageAdded':
      conversations.turns.remember([message.message]);
      messages.add(message.message);
      models.restore([message.message], false);
      toolCards.restore([message.message], false);
      return;
    case 'delta':
      waits.clear(message.messageId);
      messages.appendDelta(message.messageId, message.text);
      return;
    case 'messageFinished':
      waits.clear(message.messageId);
      messages.finish(message.messageId, message.status, message.problem);
      return;
    case 'waiting':
      waits.show(message.messageId, message.seconds, message.reason);
      return;
    case 'messageRemoved':
      messages.remove(message.messageId);
      return;
    case 'connection':
      header.update(message.connection);
      return;
    case 'busy':
      composer.setBusy(message.busy);
      return;
    case 'restoreDraft':
      composer.restoreDraft(message.text);
      return;
    case 'conversation':
    case 'history':
    case 'conversationDeleted':
    case 'attachments':
    case 'focusInput':
    case 'showHistory':
      conversations.handle(message);
      break;
    case 'reasoningDelta':
    case 'usage':
    case 'sendingStartsAt':
    case 'modelState':
      models.handle(message);
      return;
    case 'toolCall':
    case 'toolCallDelta':
      toolCards.handle(message);
      return;
    default:
      assertNever(message);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled host message ${JSON.stringify(value)}`);
}

/** A hidden webview may be destroyed: keep the draft and reading position first. */
function saveBeforeHiding(): void {
  messages.saveScrollPosition();
  host.flushState();
}
document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    saveBeforeHiding();
  }
});
window.addEventListener('pagehide', saveBeforeHiding);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (message) {
    handle(message);
  }
});

// Focus the question box when the view gets focus, but never take focus from the editor.
if (document.hasFocus()) {
  composer.focus();
}
window.addEventListener('focus', () => {
  if (document.activeElement === document.body || document.activeElement === null) {
    composer.focus();
  }
});

host.post({ type: 'ready' });
