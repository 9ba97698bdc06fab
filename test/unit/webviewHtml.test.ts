import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildChatHtml } from '../../src/webviewHost/webviewHtml';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

function parsePolicy(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the document has a CSP meta tag');
  return new Map(
    content.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('chat webview HTML', () => {
  const html = buildChatHtml({ cspSource, scriptUri: `${cspSource}/dist/webview.js`, styleUri: `${cspSource}/media/chat.css`, surface: 'panel', nonce: 'n0nce' });
  const policy = parsePolicy(html);

  test('nothing is allowed unless listed', () => {
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
  });

  test('scripts run only with the nonce, never eval or inline', () => {
    assert.deepEqual(policy.get('script-src'), ["'nonce-n0nce'"]);
    assert.ok(!html.includes('unsafe-eval') && !html.includes('unsafe-inline'));
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1] ?? '');
    assert.ok(scripts.length > 0 && scripts.every((attributes) => attributes.includes('nonce="n0nce"') && attributes.includes('src=')));
  });

  test('images only from the extension and data: URLs, so no remote image can load', () => {
    assert.deepEqual(policy.get('img-src'), [cspSource, 'data:']);
  });

  test('no network, frames or forms', () => {
    assert.deepEqual(policy.get('connect-src'), ["'none'"]);
    assert.deepEqual(policy.get('frame-src'), ["'none'"]);
    assert.deepEqual(policy.get('form-action'), ["'none'"]);
  });

  test('each document gets a fresh nonce', () => {
    const first = buildChatHtml({ cspSource, scriptUri: 'a', styleUri: 'b', surface: 'sidebar' });
    const second = buildChatHtml({ cspSource, scriptUri: 'a', styleUri: 'b', surface: 'sidebar' });
    const nonceOf = (text: string) => /'nonce-([^']+)'/.exec(text)?.[1];
    assert.ok(nonceOf(first) && nonceOf(first) !== nonceOf(second));
    assert.ok((nonceOf(first)?.length ?? 0) >= 16);
  });
});
