import type * as vscode from 'vscode';
import { answerPings, configureChatWebview, viewSurface } from './chatWebview';
import type { ChatWebviewBinding, WebviewSurface } from './chatWebviewBinding';

export const chatViewId = 'azureOpenAIChat.chatView';

/** The chat in the activity bar's sidebar; the same UI and conversation as the panel. */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly bind: (surface: WebviewSurface) => Promise<ChatWebviewBinding>,
  ) {}

  async resolveWebviewView(view: vscode.WebviewView): Promise<void> {
    const pings = answerPings(view.webview);
    const binding = await this.bind(viewSurface(view));
    configureChatWebview(view.webview, this.extensionUri, 'sidebar');
    view.onDidDispose(() => {
      pings.dispose();
      binding.dispose();
    });
  }
}
