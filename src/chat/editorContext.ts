import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { AttachmentView } from '../common/protocol';

/**
 * Context the user attached to a question (a selection, a file): how big it is, how it is cut
 * when too large, and how it is put in front of the question for the model. The host reads only
 * what the user picked (`readFileForAttachment`) and hands the text in.
 */
export interface Attachment extends AttachmentView {
  /** What is sent: the whole text, or its beginning when it was cut. */
  readonly text: string;
}

export interface PickedContext {
  readonly kind: AttachmentView['kind'];
  /** Shown on the chip and sent: a workspace-relative path, with a line range for a selection. */
  readonly name: string;
  /** VS Code's language id, e.g. `typescript`; empty when unknown. */
  readonly language: string;
  readonly text: string;
}

/** About 10,000 tokens: a large file fits beside a long conversation in any current model. */
export const maxAttachmentCharacters = 40_000;

/**
 * A rough token count (about four characters per token for English and code). One function, so
 * a real tokenizer can replace it without touching its callers.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function makeAttachment(picked: PickedContext, id: string): Attachment {
  let text = picked.text;
  let note: string | undefined;
  if (text.length > maxAttachmentCharacters) {
    // Cut at a line end, so the model never sees half a line.
    const lineEnd = text.lastIndexOf('\n', maxAttachmentCharacters);
    const cut = lineEnd > maxAttachmentCharacters / 2 ? lineEnd : maxAttachmentCharacters;
    const sentLines = countLines(text.slice(0, cut));
    note = `Cut: only the first ${sentLines.toLocaleString('en-US')} of ${countLines(text).toLocaleString('en-US')} lines were attached.`;
    text = text.slice(0, cut);
  }
  return {
    id,
    kind: picked.kind,
    name: picked.name,
    language: picked.language,
    tokens: estimateTokens(text),
    truncated: note !== undefined,
    ...(note ? { note } : {}),
    text,
  };
}

/** The chip's view of an attachment: everything but the text. */
export function attachmentView(attachment: Attachment): AttachmentView {
  const { text: _text, ...view } = attachment;
  return view;
}

/**
 * The user turn the model gets: each attachment fenced, named and with its language, then the
 * question. The fence is longer than any backtick run in the text, so the text cannot end it.
 */
export function questionWithContext(question: string, attachments: readonly Attachment[] | undefined): string {
  if (!attachments || attachments.length === 0) {
    return question;
  }
  const parts = attachments.map((attachment) => {
    const longestRun = Math.max(2, ...[...attachment.text.matchAll(/`+/g)].map((match) => match[0].length));
    const fence = '`'.repeat(longestRun + 1);
    const what = attachment.kind === 'selection' ? 'Selection from' : 'File';
    // The name and language come from file names and saved journals, so they are data, not
    // prompt text: quoted on one line, and the fence's info string a plain language id.
    const languageId = attachment.language.replace(/[^A-Za-z0-9_+#.-]/g, '');
    const language = languageId ? ` (${languageId})` : '';
    const note = attachment.note ? `\n${attachment.note}` : '';
    return `${what} ${quotedName(attachment.name)}${language}:\n${fence}${languageId}\n${attachment.text}\n${fence}${note}`;
  });
  return `${parts.join('\n\n')}\n\n${question}`;
}

/** A name as one quoted line: JSON escapes quotes, newlines and control characters; backticks too. */
function quotedName(name: string): string {
  return JSON.stringify(name).replace(/`/g, '\\u0060');
}

/** Bytes of a file read to attach it; `cut` when the file is larger than what was read. */
export interface AttachableBytes {
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly cut: boolean;
}

/** Files larger than this are not read whole just to be cut (the attachment keeps their start). */
export const maxAttachmentReadBytes = 4 * 1024 * 1024;

/**
 * Reads at most `maxBytes` of a regular file. A FIFO, a device (`/dev/zero`), a socket or a
 * folder is refused before anything is read: opened without blocking and checked on the open
 * handle (so a file swapped for a FIFO after a check cannot slip through), and the size is known
 * before the read, which never asks for more than the cap.
 */
export async function readFileForAttachment(path: string, maxBytes = maxAttachmentReadBytes): Promise<AttachableBytes> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new Error(`${path} is not a regular file`);
    }
    const length = Math.min(stat.size, maxBytes);
    const bytes = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(bytes, filled, length - filled, filled);
      if (bytesRead === 0) {
        break; // The file shrank meanwhile.
      }
      filled += bytesRead;
    }
    return { bytes: bytes.subarray(0, filled), size: stat.size, cut: stat.size > filled };
  } finally {
    await handle.close();
  }
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lines++;
  }
  return text.endsWith('\n') ? lines - 1 : lines;
}

/** A message as the webview gets it: attachments without their text (chips need none). */
export function messageForWebview<T extends { readonly attachments?: readonly AttachmentView[] }>(message: T): T {
  if (!message.attachments) {
    return message;
  }
  return { ...message, attachments: message.attachments.map((item) => attachmentView(item as Attachment)) };
}
