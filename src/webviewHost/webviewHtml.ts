import { randomBytes } from 'node:crypto';
import { type WebviewStrings, webviewStringsAttribute } from '../common/webviewStrings';

export interface ChatHtmlOptions {
  /** `webview.cspSource`: the only origin scripts, styles, fonts and images may come from. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Which surface hosts the chat; the UI adapts its density. */
  readonly surface: 'panel' | 'sidebar';
  readonly nonce?: string;
  /** The webview's strings in VS Code's display language (English where absent). */
  readonly strings?: WebviewStrings;
  /** VS Code's display language, for `<html lang>` (screen readers, dates). */
  readonly lang?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The whole document the chat webview loads. Model output is untrusted, so the policy is as
 * tight as the UI allows: nothing by default; our script only by nonce; our stylesheet;
 * images only from the extension or inline data (never remote, so a prompt-injected image
 * cannot leak data in its URL); no eval, no inline handlers, no frames, no forms.
 */
export function buildChatHtml(options: ChatHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(options.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
<title>Azure OpenAI Chat</title>
</head>
<body class="surface-${options.surface}">
<div id="chat-root" data-surface="${options.surface}"${options.strings ? ` ${webviewStringsAttribute}="${escapeAttribute(JSON.stringify(options.strings))}"` : ''}></div>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}
