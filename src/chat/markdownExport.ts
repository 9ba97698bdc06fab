import type { ChatMessage } from './conversation';
import { answerWithToolCallsMarkdown } from './toolCallRecords';

/**
 * A conversation as a Markdown document: a heading per turn, questions as written (with the
 * names of what was attached), answers as the markdown they are, but with what the chat blocks
 * neutralised (see webview/markdown.ts: raw HTML is escaped, images are never loaded): opening
 * the export in Markdown preview must not load what the chat refused to.
 */
export function conversationToMarkdown(title: string, messages: readonly ChatMessage[], exportedAt: Date): string {
  const parts = [`# ${neutralised(title.replace(/\n/g, ' '))}`, `_Exported from Azure OpenAI Chat on ${exportedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC._`];
  for (const message of messages) {
    if (message.role === 'user') {
      parts.push('## You');
      if (message.attachments?.length) {
        parts.push(message.attachments.map((attachment) => `- Attached: ${codeSpan(attachment.name.replace(/\n/g, ' '))}${attachment.truncated ? ' (cut)' : ''}`).join('\n'));
      }
      parts.push(neutralised(quoteIfHeading(message.text)));
    } else {
      parts.push('## Azure OpenAI');
      parts.push(message.toolCalls?.length ? answerWithToolCallsMarkdown(neutralised(message.text), message.toolCalls) : message.text ? neutralised(message.text) : '_(no answer)_');
      if (message.status === 'stopped') {
        parts.push('_(stopped)_');
      } else if (message.problem) {
        parts.push(`_(${neutralised(message.problem.title)})_`);
      }
    }
  }
  return `${parts.join('\n\n')}\n`;
}

/** A question is plain text; keep a line starting with `#` from becoming a heading. */
function quoteIfHeading(text: string): string {
  return text.replace(/^(#)/gm, '\\$1');
}

/** Text as an inline code span whose fence no backtick run inside can end. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Markdown with every `<` outside code written as `&lt;` (so no raw HTML, autolink or HTML
 * block survives) and every `![` as `&#33;[` (an image becomes a link, never fetched). Code
 * fences and code spans are left as written: their text is shown literally anyway.
 */
export function neutralised(markdown: string): string {
  const out: string[] = [];
  let fence: { readonly char: string; readonly length: number } | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      if (marker?.[1] && marker[1][0] === fence.char && marker[1].length >= fence.length && !marker[2]?.trim()) {
        fence = undefined;
      }
      out.push(line);
      continue;
    }
    if (marker?.[1] && !(marker[1][0] === '`' && marker[2]?.includes('`'))) {
      fence = { char: marker[1][0] ?? '`', length: marker[1].length };
      out.push(line);
      continue;
    }
    out.push(neutraliseInline(line));
  }
  return out.join('\n');
}

function neutraliseInline(line: string): string {
  let result = '';
  let i = 0;
  while (i < line.length) {
    const char = line[i];
    if (char === '`') {
      const run = /^`+/.exec(line.slice(i))?.[0] ?? '`';
      // A code span ends at the next run of exactly as many backticks.
      const closing = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      closing.lastIndex = i + run.length;
      const end = closing.exec(line);
      if (end) {
        result += line.slice(i, end.index + run.length);
        i = end.index + run.length;
        continue;
      }
      result += run;
      i += run.length;
      continue;
    }
    if (char === '<') {
      result += '&lt;';
    } else if (char === '!' && line[i + 1] === '[') {
      result += '&#33;';
    } else {
      result += char;
    }
    i++;
  }
  return result;
}
