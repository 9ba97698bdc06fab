/**
 * Tools (issue 20) in the chat: each tool call of an answer is a card above its text, with the
 * tool's name, its arguments (streamed as the model writes them), its status and, collapsed,
 * its result. Everything on a card came from the model or a tool: untrusted, shown as text only.
 */
import type { ChatMessageView, ToolCallStatus, ToolCallView, ToolsHostMessage } from '../src/common/protocol';
import { element } from './dom';

const statusLabels: Readonly<Record<ToolCallStatus, string>> = {
  streaming: 'Preparing',
  awaitingApproval: 'Waiting for your approval',
  running: 'Running',
  done: 'Done',
  error: 'Failed',
  denied: 'Declined',
  stopped: 'Stopped',
};

/** The summary line shows the start of the arguments; the card shows them whole. */
const summaryArgumentChars = 80;

interface Card {
  readonly details: HTMLDetailsElement;
  readonly status: HTMLElement;
  readonly brief: HTMLElement;
  readonly args: HTMLElement;
  readonly result: HTMLElement;
  readonly note: HTMLElement;
  argumentsText: string;
}

export class ToolCardsUi {
  private readonly cards = new Map<string, Card>();

  constructor(private readonly messageElement: (messageId: string) => HTMLElement | undefined) {}

  handle(message: ToolsHostMessage): void {
    switch (message.type) {
      case 'toolCall':
        this.show(message.messageId, message.call);
        return;
      case 'toolCallDelta': {
        const card = this.cards.get(this.key(message.messageId, message.callId));
        if (card) {
          card.argumentsText += message.text;
          this.showArguments(card);
        }
        return;
      }
    }
  }

  /** Messages (re)created from a snapshot or added: draw their cards. */
  restore(messages: readonly ChatMessageView[], replacedAll: boolean): void {
    if (replacedAll) {
      this.cards.clear();
    }
    for (const message of messages) {
      for (const call of message.toolCalls ?? []) {
        this.show(message.id, call);
      }
    }
  }

  private key(messageId: string, callId: string): string {
    return `${messageId}\u0000${callId}`;
  }

  private show(messageId: string, call: ToolCallView): void {
    const root = this.messageElement(messageId);
    if (!root) {
      return;
    }
    const key = this.key(messageId, call.callId);
    let card = this.cards.get(key);
    if (!card || !card.details.isConnected) {
      card = this.create(root, call);
      this.cards.set(key, card);
    }
    card.details.dataset.status = call.status;
    card.status.textContent = statusLabels[call.status];
    card.argumentsText = call.arguments;
    this.showArguments(card);
    card.result.hidden = call.result === undefined;
    card.result.textContent = call.result ?? '';
    card.note.hidden = !call.truncated;
  }

  private create(root: HTMLElement, call: ToolCallView): Card {
    let list = root.querySelector<HTMLElement>(':scope > .tool-calls');
    if (!list) {
      list = element('div', { className: 'tool-calls', attributes: { role: 'list', 'aria-label': 'Tool calls' } });
      root.querySelector(':scope > .message-body')?.before(list);
    }
    const status = element('span', { className: 'tool-call-status', attributes: { role: 'status' } });
    const brief = element('span', { className: 'tool-call-brief' });
    const args = element('pre', { className: 'tool-call-arguments' });
    const result = element('pre', { className: 'tool-call-result' });
    const note = element('div', { className: 'tool-call-note', text: 'The result was cut to the size limit before it was sent to the model.' });
    const details = element(
      'details',
      { className: 'tool-call', attributes: { role: 'listitem', 'data-call-id': call.callId } },
      element('summary', {}, element('span', { className: 'tool-call-name', text: call.name }), brief, status),
      element('div', { className: 'tool-call-label', text: 'Arguments' }),
      args,
      note,
      result,
    );
    list.append(details);
    return { details, status, brief, args, result, note, argumentsText: '' };
  }

  private showArguments(card: Card): void {
    card.args.textContent = card.argumentsText;
    const oneLine = card.argumentsText.replace(/\s+/g, ' ');
    card.brief.textContent = oneLine.length > summaryArgumentChars ? `${oneLine.slice(0, summaryArgumentChars)}…` : oneLine;
  }
}
