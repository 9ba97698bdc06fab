/**
 * The extension's real host path, without VS Code: loopback Azure OpenAI stand-in → real
 * `openai` SDK in AzureAnswerSource → ChatSession → ChatWebviewBinding → a WebviewSurface.
 * Only VS Code's Microsoft sign-in is a stand-in (test/unit/chatStack.ts), signed in, so
 * requests carry a cached Entra token like a signed-in user's.
 */
import type { ConnectionView } from '../src/common/protocol';
import type { ChatSession } from '../src/chat/chatSession';
import { type ChatWebviewBinding, type WebviewSurface } from '../src/webviewHost/chatWebviewBinding';
import { AzureOpenAIStandIn, DEFAULT_DEPLOYMENT } from '../test/standin/azureOpenAIStandIn';
import { createChatStack, RecordingLogger, StandInMicrosoftSessions } from '../test/unit/chatStack';
import { bindChat } from '../test/support/chatBinding';

export const benchApiKey = 'bench-key-0123456789abcdef0123456789';
export const benchDeployment = DEFAULT_DEPLOYMENT;
/** A Responses-only model (codex), for the throughput figure on the Responses API. */
export const benchResponsesDeployment = 'gpt-5-codex';

export type ChunkWrittenHook = (index: number, text: string, timeMs: number) => void;

/** One stand-in for the whole run; figures point its chunk hook at themselves while they measure. */
export class BenchStandIn {
  private constructor(
    readonly server: AzureOpenAIStandIn,
    private readonly hook: { current?: ChunkWrittenHook },
  ) {}

  static async start(): Promise<BenchStandIn> {
    const hook: { current?: ChunkWrittenHook } = {};
    const server = await AzureOpenAIStandIn.start({
      apiKey: benchApiKey,
      deployments: [benchDeployment, { name: benchResponsesDeployment, model: 'gpt-5-codex-2025-09-15' }],
      onChunkWritten: (index, text, timeMs) => hook.current?.(index, text, timeMs),
    });
    return new BenchStandIn(server, hook);
  }

  get onChunkWritten(): ChunkWrittenHook | undefined {
    return this.hook.current;
  }

  set onChunkWritten(hook: ChunkWrittenHook | undefined) {
    this.hook.current = hook;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** The chat stack as the extension composes it, signed in through the VS Code session stand-in. */
export function createSignedInStack(standIn: BenchStandIn, deployment: string = benchDeployment) {
  return createChatStack({
    settings: {
      endpoint: standIn.server.endpoint,
      deployment,
      auth: 'entra',
      // Loopback http is accepted for tokens only when named here (src/auth/hostPolicy.ts).
      trustedHosts: ['127.0.0.1'],
      systemPrompt: 'You are a helpful assistant.',
    },
    microsoft: new StandInMicrosoftSessions(true),
  });
}

const readyConnection: ConnectionView = { state: 'ready', label: 'Signed in as ada@contoso.test via VS Code', deployment: benchDeployment };

/** Binds a surface to a session exactly as the extension does, with inert fix and link handlers. */
export function bindWebview(session: ChatSession, surface: WebviewSurface): ChatWebviewBinding {
  return bindChat(surface, session, {
    connection: async () => readyConnection,
    log: new RecordingLogger(),
  });
}

export function lastMessageId(messages: readonly { readonly id: string }[]): string {
  const last = messages.at(-1);
  if (!last) {
    throw new Error('the session has no messages');
  }
  return last.id;
}
