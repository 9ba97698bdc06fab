/**
 * Entry point of the chat webview (dist/webview.js). Builds the UI into #chat-root, routes host
 * messages to the parts that show them and user actions to the host, then says `ready`: the
 * host sends nothing before that, and answers it with a snapshot.
 */
import type { FixAction, HostToWebviewMessage, ProblemView, WebviewToHostMessage } from '../src/common/protocol';
import { protocolLimits } from '../src/common/protocol';
import { AccessibilityHelp } from './accessibilityHelp';
import { copyCode } from './codeCopy';
import { Composer } from './composer';
import { ConversationsUi } from './conversationsUi';
import { element } from './dom';
import { Header } from './header';
import { HostLiveness } from './hostLiveness';
import { parseHostMessage } from './hostMessages';
import { MessageList } from './messageList';
import { enableKeyboardNavigation } from './keyboardNavigation';
import { ModelsUi } from './models';
import { ToolCardsUi } from './toolCards';
import { actionLabels } from './problems';
import { t } from './strings';
import { Host } from './vscodeApi';
import { WaitNotice } from './waitNotice';
import { SpendUi } from './spend';

const host = new Host();
/** A question posted and not yet seen in the conversation: given back if the host went away. */
let unconfirmedQuestion: string | undefined;
const liveness = new HostLiveness({
  ping: () => host.post({ type: 'ping' }),
  lost: () => hostLost(),
  back: () => hostBack(),
});
/** Everything the user does goes through here: the host should answer, so ask whether it is there. */
function post(message: WebviewToHostMessage): void {
  if (message.type === 'send' || message.type === 'resend') {
    unconfirmedQuestion = message.text;
  }
  host.post(message);
  liveness.check();
}
const root = document.getElementById('chat-root') ?? document.body.appendChild(document.createElement('div'));
root.id = 'chat-root';
// The whole view is the document's main content: every part of it is inside a landmark (the
// connection bar is a plain part of it, not a banner, which may not sit inside main).
root.setAttribute('role', 'main');

const header = new Header();
const messages = new MessageList((scroll) => host.saveState({ scroll }));
const models = new ModelsUi((id) => messages.elementFor(id), (effort) => post({ type: 'setReasoningEffort', effort }));
const waits = new WaitNotice((id) => messages.elementFor(id));
const spend = new SpendUi((id) => messages.elementFor(id), (message) => host.post(message));
const toolCards = new ToolCardsUi((id) => messages.elementFor(id));
const composer = new Composer(
  {
    send: (text) => conversations.send(text),
    stop: () => post({ type: 'stop' }),
    draftChanged: (draft) => host.saveState({ draft }),
    refused: () => liveness.check(),
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
  newChat.setAttribute('aria-label', t('newChat'));
  newChat.title = t('newChat');
  newChat.addEventListener('click', () => {
    post({ type: 'newChat' });
    // The new conversation starts with a question: the keyboard goes where it is typed.
    composer.focus();
  });
  topBar.append(newChat);
}
// Shown while the extension host behind this view is gone (see hostLiveness.ts).
const hostStatus = element('div', {
  className: 'host-status',
  attributes: { id: 'host-status', role: 'status' },
  text: t('hostStopped'),
});
hostStatus.hidden = true;
root.append(topBar, hostStatus, spend.element, messages.element, spend.warningElement, composer.element);
spend.listen(root);
// Conversations feature: history, title, context chips, code and turn actions.
const conversations = new ConversationsUi({
  root,
  topBar,
  composer,
  scroller: messages.element.querySelector<HTMLElement>('#messages') ?? messages.element,
  post,
});
composer.attached();
enableKeyboardNavigation(messages.element.querySelector<HTMLElement>('#messages') ?? messages.element, composer.input);
new AccessibilityHelp(root);

/** Buttons inside problems and the header name a fix; retry also names its message. */
root.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const actionButton = target?.closest<HTMLButtonElement>('button[data-action]');
  if (actionButton) {
    const action = actionButton.dataset.action;
    if (action === 'retry') {
      const messageId = actionButton.closest<HTMLElement>('.message')?.dataset.id;
      if (messageId) {
        post({ type: 'retry', messageId });
      }
    } else if (action && Object.hasOwn(actionLabels, action)) {
      post({ type: 'fix', action: action as FixAction });
    }
    return;
  }
  // Deployment discovery: the header's deployment picker.
  if (target?.closest('#deployment-picker')) {
    post({ type: 'pickDeployment' });
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
    post({ type: 'openLink', url });
  }
}
document.addEventListener('click', onLinkActivated);
document.addEventListener('auxclick', onLinkActivated);

function handle(message: HostToWebviewMessage): void {
  switch (message.type) {
    case 'snapshot':
      unconfirmedQuestion = undefined;
      header.update(message.connection);
      setBusy(message.busy);
      conversations.turns.remember(message.messages);
      messages.reset(message.messages, host.uiState.scroll);
      models.restore(message.messages, true);
      toolCards.restore(message.messages, true);
      return;
    case 'messageAdded':
      if (message.message.role === 'user') {
        unconfirmedQuestion = undefined;
      }
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
      spend.finished(message.messageId, message.problem);
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
      setBusy(message.busy);
      return;
    case 'restoreDraft':
      unconfirmedQuestion = undefined;
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
    case 'spend':
    case 'filterNotice':
    case 'budgetWarning':
      spend.handle(message);
      return;
    case 'pong':
      // Heard, like every message: see the listener below.
      return;
    default:
      assertNever(message);
  }
}

function setBusy(busy: boolean): void {
  composer.setBusy(busy);
  liveness.setBusy(busy);
}

const interrupted: ProblemView = {
  title: t('hostInterruptedTitle'),
  detail: t('hostInterruptedDetail'),
  actions: [],
};

/** Nothing answers any more: end what was in flight here, and keep what the user wrote. */
function hostLost(): void {
  hostStatus.hidden = false;
  messages.interruptStreaming(interrupted);
  setBusy(false);
  composer.setUnavailable(t('hostNotSent'));
  if (unconfirmedQuestion !== undefined) {
    composer.restoreDraft(unconfirmedQuestion);
    unconfirmedQuestion = undefined;
  }
}

/** The host answered after all (it only hung): ask it for the conversation as it is now. */
function hostBack(): void {
  hostStatus.hidden = true;
  composer.setUnavailable(undefined);
  host.post({ type: 'ready' });
liveness.check();
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
    liveness.heard();
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
