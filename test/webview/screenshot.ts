/**
 * Screenshots of the chat UI in a dark theme, for looking at it: a sidebar mid-answer, an editor
 * panel with a finished conversation, and the signed-out and misconfigured headers.
 *   node out/test/webview/screenshot.js   ->  test/webview/artifacts/*.png
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ChatMessageView, HostToWebviewMessage } from '../../src/common/protocol';
import { ChatSession, PageServer, launchBrowser, repoRoot, snapshot } from './chatPage';

const question: ChatMessageView = {
  id: 'u1',
  role: 'user',
  text: 'How do I stream a chat completion from Azure OpenAI in TypeScript,\nsigned in with Entra ID?',
  status: 'done',
};

const reply: ChatMessageView = {
  id: 'a1',
  role: 'assistant',
  status: 'done',
  text: [
    'Use the `openai` package with a token provider from `@azure/identity`:',
    '',
    '```ts',
    "import { AzureOpenAI } from 'openai';",
    "import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';",
    '',
    'const client = new AzureOpenAI({',
    "  endpoint: 'https://my-resource.openai.azure.com',",
    "  apiVersion: '2024-10-21',",
    "  azureADTokenProvider: getBearerTokenProvider(new DefaultAzureCredential(), 'https://cognitiveservices.azure.com/.default'),",
    '});',
    '```',
    '',
    '### What matters',
    '- **No keys**: the token comes from your Microsoft sign-in.',
    '- Set `stream: true` and read the chunks with `for await`.',
    '',
    '| Setting | Example |',
    '|---|---|',
    '| Deployment | `gpt-4o` |',
    '| API version | `2024-10-21` |',
    '',
    'See [the quickstart](https://learn.microsoft.com/azure/ai-services/openai/) and ![architecture](https://example.com/diagram.png).',
  ].join('\n'),
};

const failed: ChatMessageView = {
  id: 'a2',
  role: 'assistant',
  status: 'error',
  text: 'Streams let you',
  problem: {
    title: 'The connection to Azure OpenAI dropped.',
    detail: 'The answer stopped after 3 seconds. Check your network, then try again.',
    actions: ['retry', 'showLog'],
  },
};

async function main(): Promise<void> {
  const out = path.join(repoRoot, 'test', 'webview', 'artifacts');
  mkdirSync(out, { recursive: true });
  const server = await PageServer.start();
  const browser = await launchBrowser();
  try {
    const session = await ChatSession.start(browser, server);
    const shots: { name: string; width: number; height: number; surface: 'sidebar' | 'panel'; messages: HostToWebviewMessage[] }[] = [
      {
        name: 'sidebar-streaming',
        width: 420,
        height: 860,
        surface: 'sidebar',
        messages: [
          snapshot([question, reply, { id: 'u2', role: 'user', text: 'And what if the stream breaks?', status: 'done' }, failed]),
          { type: 'messageAdded', message: { id: 'u3', role: 'user', text: 'Explain async iterators briefly.', status: 'done' } },
          { type: 'messageAdded', message: { id: 'a3', role: 'assistant', text: '', status: 'streaming' } },
          { type: 'busy', busy: true },
          { type: 'delta', messageId: 'a3', text: 'An **async iterator** has a `next()` method that returns a promise; `for await` waits for each one, so' },
        ],
      },
      {
        name: 'panel-conversation',
        width: 1100,
        height: 900,
        surface: 'panel',
        messages: [snapshot([question, reply])],
      },
      {
        name: 'signed-out',
        width: 420,
        height: 420,
        surface: 'sidebar',
        messages: [snapshot([], { connection: { state: 'signedOut', label: 'Not signed in', deployment: 'gpt-4o' } })],
      },
      {
        name: 'misconfigured',
        width: 420,
        height: 420,
        surface: 'sidebar',
        messages: [
          snapshot([], {
            connection: {
              state: 'misconfigured',
              label: 'Azure OpenAI Chat is not set up',
              deployment: '',
              problem: {
                title: 'No endpoint is set.',
                detail: 'Set "Azure OpenAI Chat: Endpoint" to your resource URL, for example https://my-resource.openai.azure.com.',
                actions: ['openSettings', 'showLog'],
              },
            },
          }),
        ],
      },
    ];
    for (const shot of shots) {
      const chat = await session.open({ width: shot.width, height: shot.height, surface: shot.surface });
      await chat.send(...shot.messages);
      await chat.page.waitForTimeout(300);
      const file = path.join(out, `${shot.name}.png`);
      await chat.page.screenshot({ path: file });
      console.log(file);
      chat.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

void main();
