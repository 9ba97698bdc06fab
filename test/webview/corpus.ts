/** Markdown the webview tests render: ordinary answers, hostile answers, and long ones. */

export interface CorpusDocument {
  readonly name: string;
  readonly text: string;
  /**
   * True when block-by-block rendering cannot be right until the end (a link reference defined
   * after its use), so the final check must replace the streamed DOM with a full render.
   */
  readonly needsRebuild: boolean;
}

/** Block structures whose boundaries the streaming renderer must get right. */
export const markdownCorpus: readonly CorpusDocument[] = [
  { name: 'paragraphs', text: 'One.\n\nTwo *emphasis*.\n\n\nThree with `code` and **bold**.\n', needsRebuild: false },
  {
    name: 'headings without blank lines',
    text: '# Title\nText under it.\n## Second\nMore text\n### Third\n\nEnd.\n#### Closed ####\nlast',
    needsRebuild: false,
  },
  {
    name: 'fences',
    text:
      'Intro:\n```python\ndef f():\n\n    return 1\n```\nAfter the fence.\n\n~~~\ntilde ``` inside\n\n~~~\n\n' +
      '````md\n```\nnested\n```\n````\n  ```\n  indented fence\n  ```\ntext',
    needsRebuild: false,
  },
  {
    name: 'lists',
    text:
      '- a\n- b\n\n- c loose\n\n  continued paragraph\n\nAfter the list.\n\n1. one\n2. two\n\n3. three\n\n' +
      'Text.\n* star\n+ plus\n\n10) ten\n11) eleven\n\n- [ ] task\n-\n  late content\n\nEnd.\n',
    needsRebuild: false,
  },
  {
    name: 'code inside list items',
    text: '1. Install:\n\n   ```bash\n   npm install\n\n   npm test\n   ```\n\n2. Run it\n   - nested\n     - deeper\n\n       deeper paragraph\n\nDone.\n',
    needsRebuild: false,
  },
  {
    name: 'tables, quotes, rules',
    text:
      '| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n\n> quote\n> more\n\n> second quote\nlazy line\n\n' +
      'Setext\n---\nAfter setext.\n\n***\n\n- - -\n\nText\n===\n',
    needsRebuild: false,
  },
  { name: 'indented code', text: 'Para\n\n    code line 1\n\n    code line 2\n\nafter\n\n\tTabbed code\n\nend', needsRebuild: false },
  {
    name: 'link reference defined at the end',
    text: 'See [the docs][d] for more.\n\nAnother paragraph.\n\n[d]: https://example.com/docs\n',
    needsRebuild: true,
  },
  { name: 'CRLF line ends', text: 'Line one\r\n\r\n- a\r\n- b\r\n\r\nEnd\r\n```\r\ncode\r\n```\r\nafter', needsRebuild: false },
  { name: 'unterminated fence', text: 'Start\n\n```js\nconst unterminated = true;\n\nstill code', needsRebuild: false },
  {
    name: 'ordered list that cannot interrupt',
    text: 'Intro\n5. five is text\n6. six\n\nIn 2023. was a year\n\n1. real list\n\nok',
    needsRebuild: false,
  },
  { name: 'breaks and escapes', text: 'line one  \nline two\\\nline three <b>not bold</b> &amp; &copy;\n\n\\# not a heading\n', needsRebuild: false },
  {
    name: 'typical answer',
    text:
      "Here's how to do it:\n\n## Steps\n\n1. **Create** the client:\n   ```ts\n   const client = new AzureOpenAI({ endpoint });\n   ```\n" +
      '2. Call `chat.completions.create` with `stream: true`.\n3. Read the chunks.\n\n### Notes\n- Uses Entra ID.\n- No keys.\n\n' +
      '| Setting | Value |\n|---|---|\n| api-version | 2024-10-21 |\n\nThat is all. See https://learn.microsoft.com for details.',
    needsRebuild: false,
  },
];

/** Answers written to attack the renderer: script, remote loads, bad link schemes, huge lines. */
export function hostileCorpus(leakOrigin: string): string {
  const leak = leakOrigin;
  return [
    '<script>window.__pwned = 1</script>',
    '<img src=x onerror="window.__pwned = 1">',
    `<img src="${leak}/img-tag">`,
    `<iframe src="${leak}/iframe"></iframe>`,
    '<iframe srcdoc="<script>parent.__pwned = 1</script>"></iframe>',
    '<svg onload="window.__pwned = 1"><script>window.__pwned = 1</script></svg>',
    `<object data="${leak}/object"></object><embed src="${leak}/embed">`,
    `<video src="${leak}/video" poster="${leak}/poster"></video><audio src="${leak}/audio" autoplay></audio>`,
    `<link rel="stylesheet" href="${leak}/css"><style>@import url(${leak}/import);</style>`,
    `<meta http-equiv="refresh" content="0;url=${leak}/meta"><base href="${leak}/">`,
    `<form action="${leak}/form"><input autofocus onfocus="window.__pwned = 1"></form>`,
    '<a href="javascript:window.__pwned = 1">raw anchor</a>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned = 1">',
    '<details open ontoggle="window.__pwned = 1">x</details>',
    '',
    `![leak](${leak}/leak?d=secret)`,
    '![ref image][img]',
    `[![linked image](${leak}/linked-image)](https://example.com)`,
    `![data image](data:image/svg+xml,<svg onload="window.__pwned = 1">)`,
    '',
    `[img]: ${leak}/ref-image`,
    '',
    '[a](javascript:alert(1))',
    '[b](data:text/html,<script>alert(1)</script>)',
    '[c](vbscript:msgbox(1))',
    '[d](JaVaScRiPt:alert(1))',
    '[e](java&#x73;cript:alert(1))',
    '[f](file:///etc/passwd)',
    `[g](//${new URL(leak).host}/protocol-relative)`,
    '[h](  javascript:alert(1)  )',
    '<javascript:alert(1)>',
    '[t](https://example.com "\\" onmouseover=\\"window.__pwned = 1")',
    '`<img src=x onerror="window.__pwned = 1">` inline code',
    '',
    '```"><img src=x onerror="window.__pwned = 1">',
    '<img src=x onerror="window.__pwned = 1">',
    '<script>window.__pwned = 1</script>',
    '```',
    '',
    'Lone surrogates: \uD800 and \uDFFF and \uD83D end.',
    '',
    'A'.repeat(100_000),
    '',
    // Runs that made linkify quadratic (seconds per render): see boundedLinkify.ts.
    urlRun(20_000),
    '',
    minifiedJsonWithUrls(15_000),
    '',
    'The end.',
  ].join('\n');
}

/** A long, ordinary-looking answer of about `length` characters (deterministic). */
export function longAnswer(length: number): string {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const words = [
    'the', 'deployment', 'token', 'stream', 'answer', 'client', 'request', 'Azure', 'endpoint', 'model',
    'returns', 'with', 'a', 'each', 'configure', 'quickly', 'because', 'setting', 'value', 'and',
  ];
  const sentence = () => {
    const count = 8 + next(12);
    const parts = Array.from({ length: count }, () => words[next(words.length)] ?? 'x');
    if (next(4) === 0) {
      parts[next(count)] = `**${parts[0] ?? 'x'}**`;
    }
    if (next(5) === 0) {
      parts[next(count)] = '`apiVersion`';
    }
    return `${parts.join(' ')}.`;
  };
  const blocks: string[] = [];
  let size = 0;
  let section = 1;
  while (size < length) {
    let block: string;
    const kind = next(10);
    if (kind === 0) {
      block = `## Section ${section++}`;
    } else if (kind <= 2) {
      block = Array.from({ length: 3 + next(3) }, () => `- ${sentence()}`).join('\n');
    } else if (kind === 3) {
      const lines = Array.from({ length: 5 + next(8) }, (_, i) => `  const value${i} = await client.get(${i}); // ${words[next(words.length)] ?? ''}`);
      block = ['```ts', 'async function run() {', ...lines, '}', '```'].join('\n');
    } else if (kind === 4) {
      block = ['| Name | Value |', '|---|---:|', ...Array.from({ length: 3 }, (_, i) => `| ${words[i] ?? ''} | ${next(1000)} |`)].join('\n');
    } else {
      block = Array.from({ length: 2 + next(4) }, sentence).join(' ');
    }
    blocks.push(block);
    size += block.length + 2;
  }
  return blocks.join('\n\n').slice(0, length);
}

/**
 * An answer of about twenty blocks of the kind that once left the view scrolled to the top when
 * it finished: an image by reference (`![x][r1]`, defined further down, so the whole answer is
 * rendered again at the end), raw HTML lines shown as text, and a lone surrogate.
 */
export function referenceAnswer(): string {
  const blocks: string[] = ['Here is the diagram you asked for: ![x][r1] and the [docs][r1] beside it.'];
  for (let i = 1; i <= 16; i++) {
    if (i % 5 === 0) {
      blocks.push(`<div class="note">\n<b>Raw HTML line ${i}</b> <span onclick="x()">stays text</span>\n</div>`);
    } else if (i % 7 === 0) {
      blocks.push(`- item ${i} with a lone surrogate \uD800 here\n- another item`);
    } else {
      blocks.push(`Paragraph ${i}: ${'the deployment streams each answer token by token to the view. '.repeat(3)}`);
    }
  }
  blocks.push('<details><summary>raw</summary>', '[r1]: http://example.com/diagram.png "Diagram"', 'The last line of the answer.');
  return blocks.join('\n\n');
}

/**
 * `length` characters of URLs with nothing between them (a log line, a pasted list): one
 * whitespace-free run, far longer than any link may be. Stock linkify with a URL length limit
 * re-scanned the rest of the run at every `://` in it (quadratic).
 */
export function urlRun(length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) {
    text += `https://example.com/items/${i}/details?page=${i % 7}&sort=name`;
  }
  return text.slice(0, length);
}

/** About `length` characters of minified JSON, one `url` field per object (about 45 characters each). */
export function minifiedJsonWithUrls(length: number): string {
  const items: string[] = [];
  let size = 2;
  for (let i = 0; size < length; i++) {
    const item = JSON.stringify({ id: i, url: `https://api.example.com/v1/items/${i}`, ok: i % 2 === 0 });
    items.push(item);
    size += item.length + 1;
  }
  return `[${items.join(',')}]`.slice(0, length);
}
