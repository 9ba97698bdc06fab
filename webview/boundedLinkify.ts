/**
 * markdown-it's linkify with a cost linear in the length of the text.
 *
 * The stock inline rule hands linkify-it everything from a `scheme://` to the end of the block,
 * and linkify-it's URL grammar (a large regular expression) runs over all of it. A URL longer
 * than the host accepts is then refused by `validateLink`, and the rule starts again at the next
 * `://` inside that same run: a whitespace-free run of URLs (a minified JSON, a log line) cost
 * seconds per render, and the growing tail of an answer is rendered every frame. The core pass
 * then scanned the refused text once more with linkify-it's `match`.
 *
 * Here linkify-it sees at most the longest allowed URL plus a little lookahead, so one attempt
 * costs a bounded amount; a run too long to be a link is skipped whole, so no character is looked
 * at by more than a couple of attempts. What becomes a link is decided exactly as before for
 * every URL that fits the limit (same grammar, same validation); inside a run too long to link,
 * nothing is linked.
 */
import type { MarkdownIt, StateInline } from 'markdown-it';

/** Characters after the longest allowed URL that linkify-it may look at to find where a URL ends. */
const lookahead = 64;
/** The longest scheme looked for before `://`, as markdown-it does. */
const longestScheme = 10;

const colon = 0x3a;
const slash = 0x2f;
const asterisk = 0x2a;

/** Per inline parse: text before this offset was part of a run too long to be a link. */
const skippedUntil = new WeakMap<StateInline, number>();

export function useBoundedLinkify(md: MarkdownIt, maxUrlLength: number): void {
  // The core pass only finds what the inline rule left: with fuzzy links off and only http(s)
  // allowed (markdown.ts), that is nothing but the refused long runs, scanned once more.
  md.core.ruler.disable('linkify');
  md.inline.ruler.at('linkify', (state, silent) => linkifyAt(state, silent, maxUrlLength));
}

function linkifyAt(state: StateInline, silent: boolean, maxUrlLength: number): boolean {
  if (!state.md.options.linkify || state.linkLevel > 0) {
    return false;
  }
  const src = state.src;
  const pos = state.pos;
  if (pos + 3 > state.posMax || src.charCodeAt(pos) !== colon || src.charCodeAt(pos + 1) !== slash || src.charCodeAt(pos + 2) !== slash) {
    return false;
  }
  if (pos < (skippedUntil.get(state) ?? 0)) {
    return false;
  }
  // The scheme is in the text not yet turned into tokens, right before "://".
  const schemeMin = pos - Math.min(longestScheme, state.pending.length, pos);
  let start = pos;
  while (start > schemeMin && isSchemeChar(src.charCodeAt(start - 1))) {
    start--;
  }
  if (start === pos || !isAsciiAlpha(src.charCodeAt(start))) {
    return false;
  }
  const schemeLength = pos - start;
  const link = state.md.linkify.matchAtStart(src.slice(start, start + maxUrlLength + lookahead));
  if (!link) {
    return false;
  }
  const tooLong = () => {
    // Not a link, and neither is anything inside it that runs to its end.
    skippedUntil.set(state, start + link.lastIndex);
    return false;
  };
  if (link.lastIndex > maxUrlLength) {
    return tooLong();
  }
  let url = link.url;
  if (url.length <= schemeLength) {
    return false;
  }
  // Emphasis markers glued to the end belong to the markdown around the URL.
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === asterisk) {
    end--;
  }
  url = url.slice(0, end);
  const href = state.md.normalizeLink(url);
  if (!state.md.validateLink(href)) {
    // Percent-encoding can make a URL that fitted too long (quotes and braces of JSON).
    return href.length > maxUrlLength ? tooLong() : false;
  }
  if (!silent) {
    state.pending = state.pending.slice(0, -schemeLength);
    const open = state.push('link_open', 'a', 1);
    open.attrs = [['href', href]];
    open.markup = 'linkify';
    open.info = 'auto';
    const text = state.push('text', '', 0);
    text.content = state.md.normalizeLinkText(url);
    const close = state.push('link_close', 'a', -1);
    close.markup = 'linkify';
    close.info = 'auto';
  }
  state.pos += url.length - schemeLength;
  return true;
}

function isAsciiAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** Letters, digits, `+`, `-` and `.` (RFC 3986). */
function isSchemeChar(code: number): boolean {
  return isAsciiAlpha(code) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e;
}
