import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import { configureChatWebview, panelSurface } from './chatWebview';
import type { ChatWebviewBinding, WebviewSurface } from './chatWebviewBinding';

export const chatPanelViewType = 'azureOpenAIChat.chatPanel';

/**
 * The chat in an editor tab: one panel at most, revealed if it exists, and revived by VS Code
 * after a window reload (the conversation itself comes back from the journal).
 */
export class ChatPanelManager extends Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly bind: (surface: WebviewSurface) => Promise<ChatWebviewBinding>,
  ) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(chatPanelViewType, {
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(chatPanelViewType, vscode.l10n.t('Azure OpenAI Chat'), vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
    });
    void this.adopt(panel);
  }

  private async adopt(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    // Bind before the HTML loads, so the webview's `ready` cannot be missed.
    const binding = await this.bind(panelSurface(panel));
    configureChatWebview(panel.webview, this.extensionUri, 'panel');
    panel.onDidDispose(() => {
      binding.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
      }
    });
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
