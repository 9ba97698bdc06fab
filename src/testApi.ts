import * as vscode from 'vscode';
import type { ChatMessageView, ConnectionView } from './common/protocol';

/**
 * What activate() returns when VS Code runs the extension's tests: enough to drive and observe
 * the chat. Whatever activate() returns is handed to every installed extension
 * (`getExtension(...).exports`), and this reads the conversation and spends the user's quota,
 * so in Production and Development mode activate() returns nothing.
 */
export interface AzureOpenAIChatApi {
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  whenIdle(): Promise<void>;
  messages(): Promise<readonly ChatMessageView[]>;
  connection(): Promise<ConnectionView>;
  /** Conversations feature: the saved history, and switching the chat used last to one. */
  conversations(): Promise<readonly { readonly id: string; readonly title: string }[]>;
  openConversation(id: string): Promise<boolean>;
  /** How many times each kind of chat webview has loaded and said `ready` (no log text to parse). */
  readyWebviews(): Readonly<Record<WebviewKind, number>>;
}

export type WebviewKind = 'sidebar' | 'panel';

/** Everything but readiness, which this module counts itself. */
export type TestApiDeps = Omit<AzureOpenAIChatApi, 'readyWebviews'>;

/** Counts webviews that finished loading; the binding reports to it, the test API reads it. */
export class WebviewReadiness {
  private readonly counts: Record<WebviewKind, number> = { sidebar: 0, panel: 0 };

  ready(kind: WebviewKind | undefined): void {
    if (kind) {
      this.counts[kind]++;
    }
  }

  snapshot(): Readonly<Record<WebviewKind, number>> {
    return { ...this.counts };
  }
}

export function createTestApi(context: vscode.ExtensionContext, deps: TestApiDeps, readiness: WebviewReadiness): AzureOpenAIChatApi | undefined {
  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return undefined;
  }
  return { ...deps, readyWebviews: () => readiness.snapshot() };
}
