import { open } from 'node:fs/promises';
import type { AppendLog } from './appendLog';

/**
 * Search over every conversation's text without holding it: `words.txt` beside the index has
 * one line per conversation, `<id>\t<its distinct words, lower-cased>`, appended when a turn
 * ends (the latest line of an id wins; a line without a tab forgets it; compaction keeps only
 * the latest). Searching streams that file in chunks and looks for each query word with
 * `Buffer.indexOf`, so time is linear in the words file (a fraction of the journals: each word
 * once per conversation) and memory is one chunk plus one flag per conversation.
 *
 * A conversation matches when every word of the query is part of one of its words (so
 * "recurs" finds "recursion", and "tail recursion" finds text with both words anywhere).
 */

/** The words of some texts, each once, lower-cased; very long runs (base64, minified code) are cut. */
export function distinctWords(texts: Iterable<string>): string {
  const words = new Set<string>();
  for (const text of texts) {
    for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
      words.add(match[0].length > maxWordLength ? match[0].slice(0, maxWordLength) : match[0]);
    }
  }
  return [...words].join(' ');
}

const maxWordLength = 48;

/** The query's words as search looks for them (the same splitting as `distinctWords`). */
export function queryWords(query: string): string[] {
  // One bit per word in the matcher: 31 words are more than anyone types.
  return distinctWords([query]).split(' ').filter(Boolean).slice(0, 31);
}

export function wordsLine(id: string, words: string): string {
  return `${id}\t${words}`;
}

const chunkBytes = 4 * 1024 * 1024;

/**
 * For each conversation with a words line, whether its latest line has every one of `terms`.
 * Conversations without a line are absent from the result (their words are not known yet).
 */
export async function matchWords(log: AppendLog, terms: readonly string[]): Promise<Map<string, boolean>> {
  await log.flush();
  const result = new Map<string, boolean>();
  let handle;
  try {
    handle = await open(log.path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return result;
    }
    throw error;
  }
  const needles = terms.map((term) => Buffer.from(term, 'utf8'));
  try {
    const { size } = await handle.stat();
    let carry = Buffer.alloc(0);
    for (let position = 0; position < size; ) {
      const fresh = Buffer.alloc(Math.min(chunkBytes, size - position));
      const { bytesRead } = await handle.read(fresh, 0, fresh.length, position);
      if (bytesRead === 0) {
        break;
      }
      position += bytesRead;
      const chunk = carry.length > 0 ? Buffer.concat([carry, fresh.subarray(0, bytesRead)]) : fresh.subarray(0, bytesRead);
      const end = chunk.lastIndexOf(0x0a) + 1;
      matchLines(chunk.subarray(0, end), needles, result);
      carry = Buffer.from(chunk.subarray(end));
    }
  } finally {
    await handle.close();
  }
  return result;
}

/** Marks every whole line of `chunk`: each needle's hits are found once and walked with the lines. */
function matchLines(chunk: Buffer, needles: readonly Buffer[], result: Map<string, boolean>): void {
  const starts: number[] = [];
  const tabs: number[] = [];
  for (let start = 0; start < chunk.length; ) {
    const end = chunk.indexOf(0x0a, start);
    const tab = chunk.indexOf(0x09, start);
    starts.push(start);
    tabs.push(tab >= 0 && tab < end ? tab : -1);
    start = end + 1;
  }
  starts.push(chunk.length);
  const hits = new Uint32Array(tabs.length);
  needles.forEach((needle, n) => {
    let line = 0;
    for (let at = chunk.indexOf(needle); at >= 0; at = chunk.indexOf(needle, at + 1)) {
      while ((starts[line + 1] ?? Infinity) <= at) {
        line++;
      }
      const tab = tabs[line] ?? -1;
      if (tab >= 0 && at > tab && at + needle.length < (starts[line + 1] ?? 0)) {
        hits[line] = (hits[line] ?? 0) | (1 << n % 32);
        // The rest of this line cannot add anything for this needle.
        at = (starts[line + 1] ?? chunk.length) - 1;
      }
    }
  });
  const all = needles.length >= 32 ? 0xffffffff : (1 << needles.length) - 1;
  for (let line = 0; line < tabs.length; line++) {
    const tab = tabs[line] ?? -1;
    const start = starts[line] ?? 0;
    const id = chunk.toString('utf8', start, tab >= 0 ? tab : (starts[line + 1] ?? start) - 1);
    if (tab < 0) {
      result.delete(id);
    } else {
      result.set(id, ((hits[line] ?? 0) & all) >>> 0 === all >>> 0);
    }
  }
}
