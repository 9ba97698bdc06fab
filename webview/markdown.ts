/**
 * The one markdown renderer for answers. Model output is untrusted, so everything that could
 * run code, load something or leave the webview is decided here, while tokens become HTML:
 *
 * - `html: false`: raw HTML in the answer is escaped, never parsed.
 * - Links survive only with an `http:`/`https:` destination no longer than the host accepts;
 *   anything else (`javascript:`, `data:`, `vbscript:`, `file:`, relative) stays plain text.
 *   Bare URLs are found in time linear in the text (boundedLinkify.ts).
 *   Clicks are intercepted elsewhere and go to the host, which asks before opening.
 * - Images never become `<img>`: a visible placeholder names the alt text and the URL, so a
 *   remote image cannot be used to send conversation data to a server (it is never requested).
 * - Table alignment becomes a class: the CSP forbids inline `style` attributes.
 *
 * The output is therefore safe to assign with `innerHTML`.
 */
import MarkdownIt from 'markdown-it';
import type { RendererRule } from 'markdown-it';
import { protocolLimits } from '../src/common/protocol';
import { formatString, type WebviewStringKey } from '../src/common/webviewStrings';
import { useBoundedLinkify } from './boundedLinkify';
import { t } from './strings';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

// Without a scheme, "main.py" or "user@host" would turn into links to made-up sites.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });

const allowedScheme = /^https?:\/\//i;

md.validateLink = (url: string): boolean => allowedScheme.test(url) && url.length <= protocolLimits.maxUrlLength;

// The length limit above made linkify rescan long runs of URLs (quadratic): see boundedLinkify.ts.
useBoundedLinkify(md, protocolLimits.maxUrlLength);

const escapeHtml = md.utils.escapeHtml;

md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  const src = String(token.attrGet('src') ?? '');
  // The template is escaped before its arguments go in (in one pass), and {1} gets markup made here.
  const text = formatString(escapeHtml(t('imageNotLoaded')), escapeHtml(alt), `<span class="blocked-image-url">${escapeHtml(src)}</span>`);
  return `<span class="blocked-image" title="${escapeHtml(t('imageNotLoadedTitle'))}">${text}</span>`;
};

const renderToken: RendererRule = (tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options);

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  // Show where a link goes before it is clicked; the text of a link can claim anything.
  const href = tokens[idx].attrGet('href');
  if (href && !tokens[idx].attrGet('title')) {
    tokens[idx].attrSet('title', String(href));
  }
  return renderToken(tokens, idx, options, env, self);
};

const alignment = /text-align:(left|right|center)/;
const alignedCell: RendererRule = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const style = token.attrGet('style');
  if (style !== null) {
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    const match = alignment.exec(String(style));
    if (match) {
      token.attrJoin('class', `align-${match[1]}`);
    }
  }
  return renderToken(tokens, idx, options, env, self);
};
md.renderer.rules.th_open = alignedCell;
md.renderer.rules.td_open = alignedCell;

/**
 * An ordered list's numbers sit in its left padding, so a list that counts to 10 or beyond
 * (an answer's "50." or a list that starts at 98) gets room for its widest number: a class by
 * digit count, since the CSP forbids inline styles.
 */
md.renderer.rules.ordered_list_open = (tokens, idx, options, env, self) => {
  const list = tokens[idx];
  const start = Number(list.attrGet('start') ?? 1);
  let items = 0;
  for (let i = idx + 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === 'ordered_list_close' && token.level === list.level) {
      break;
    }
    if (token.type === 'list_item_open' && token.level === list.level + 1) {
      items++;
    }
  }
  const digits = String(Math.max(start, start + items - 1)).length;
  if (digits > 1) {
    list.attrJoin('class', `number-digits-${Math.min(digits, 6)}`);
  }
  return renderToken(tokens, idx, options, env, self);
};

/**
 * Code blocks get a toolbar with the language and a Copy button. The button is part of the
 * markup, so blocks rendered once and blocks re-rendered in the growing tail both have it for
 * free; one delegated click handler serves them all (see codeCopy.ts).
 */
function withToolbar(render: RendererRule): RendererRule {
  return (tokens, idx, options, env, self) => {
    const language = tokens[idx].info.trim().split(/\s+/)[0] ?? '';
    // A named group the keyboard can land on (Ctrl+Alt+PageDown, keyboardNavigation.ts); its
    // buttons carry their visible word in data-label, which the CSS shows.
    const name = language ? t('codeBlockLanguage', language) : t('codeBlock');
    return (
      `<div class="code-block" role="group" tabindex="-1" aria-label="${escapeHtml(name)}"><div class="code-toolbar">` +
      `<span class="code-language">${escapeHtml(language)}</span>` +
      '<span class="code-actions">' +
      codeButton('code-action insert-code', 'insertCodeLabel', 'insertCodeTitle', 'insertCode') +
      codeButton('code-action open-code', 'openCodeLabel', 'openCodeTitle', 'openCode') +
      codeButton('copy-code', 'copyCodeLabel', 'copyCodeLabel', 'copyCode', ` data-done-label="${escapeHtml(t('copied'))}"`) +
      '</span>' +
      // Focusable, so a line wider than the view can be scrolled with the arrow keys.
      `</div>${render(tokens, idx, options, env, self).replace(/^<pre>/, '<pre tabindex="0">')}</div>\n`
    );
  };
}
function codeButton(className: string, label: WebviewStringKey, title: WebviewStringKey, word: WebviewStringKey, extra = ''): string {
  return `<button type="button" class="${className}" aria-label="${escapeHtml(t(label))}" title="${escapeHtml(t(title))}" data-label="${escapeHtml(t(word))}"${extra}></button>`;
}

const { fence, code_block } = md.renderer.rules;
if (fence && code_block) {
  md.renderer.rules.fence = withToolbar(fence);
  md.renderer.rules.code_block = withToolbar(code_block);
}

/** Markdown source to safe HTML. Never throws: a parser bug must not stop the stream. */
export function renderMarkdown(source: string): string {
  try {
    return md.render(source);
  } catch {
    return `<p class="render-failed">${escapeHtml(source)}</p>`;
  }
}
