/**
 * Models (issue 10) in the chat: the reasoning summary above an answer, token usage under it,
 * the context window's fill, where sending starts, and the reasoning effort control.
 */
import type { ModelsHostMessage, ReasoningEffortValue } from '../src/common/protocol';
import type { MessageList } from './messageList';

export class ModelsUi {
  constructor(
    private readonly messages: MessageList,
    private readonly setEffort: (effort: ReasoningEffortValue | 'default') => void,
  ) {}

  handle(message: ModelsHostMessage): void {
    void this.messages;
    void this.setEffort;
    void message;
  }
}
