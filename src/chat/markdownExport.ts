import type { ChatMessage } from './conversation';
import { answerWithToolCallsMarkdown } from './toolCallRecords';

/**
 * A conversation as a Markdown document: a heading per turn, questions as written (with the
 * names of what was attached), answers as the markdown they are.
 */
export function conversationToMarkdown(title: string, messages: readonly ChatMessage[], exportedAt: Date): string {
  const parts = [`# ${title}`, `_Exported from Azure OpenAI Chat on ${exportedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC._`];
  for (const message of messages) {
    if (message.role === 'user') {
      parts.push('## You');
      if (message.attachments?.length) {
        parts.push(message.attachments.map((attachment) => `- Attached: \`${attachment.name}\`${attachment.truncated ? ' (cut)' : ''}`).join('\n'));
      }
      parts.push(quoteIfHeading(message.text));
    } else {
      parts.push('## Azure OpenAI');
      parts.push(message.toolCalls?.length ? answerWithToolCallsMarkdown(message.text, message.toolCalls) : message.text || '_(no answer)_');
      if (message.status === 'stopped') {
        parts.push('_(stopped)_');
      } else if (message.problem) {
        parts.push(`_(${message.problem.title})_`);
      }
    }
  }
  return `${parts.join('\n\n')}\n`;
}

/** A question is plain text; keep a line starting with `#` from becoming a heading. */
function quoteIfHeading(text: string): string {
  return text.replace(/^(#)/gm, '\\$1');
}
