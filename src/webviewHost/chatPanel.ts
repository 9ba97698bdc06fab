import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import { answerPings, configureChatWebview, panelSurface } from './chatWebview';
import type { ChatWebviewBinding, WebviewSurface } from './chatWebviewBinding';

export const chatPanelViewType = 'azureOpenAIChat.chatPanel';

/** Window sessions (`vscode.env.sessionId`) in which an extension host of ours showed the panel. */
const panelWindowsKey = 'azureOpenAIChat.panelWindows';
/** Windows of one workspace open at once, and a few before them: enough to tell ours apart. */
const rememberedWindows = 8;

/**
 * The chat in an editor tab: one panel at most, revealed if it exists, and revived by VS Code
 * after a window reload (the conversation itself comes back from the journal).
 *
 * When the extension host ends and VS Code starts another (a crash, Restart Extension Host, an
 * extension update), VS Code keeps the panel's tab and webview but connects it to nothing: the
 * new host is never asked to revive it, as it is after a reload. So a new host that finds such a
 * panel in its window puts a fresh one in its place, which loads the conversation from the store.
 */
export class ChatPanelManager extends Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly bind: (surface: WebviewSurface) => Promise<ChatWebviewBinding>,
    /** Workspace state: which windows had a panel, to tell a restarted host from a reload. */
    private readonly memory?: vscode.Memento,
  ) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(chatPanelViewType, {
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
    );
    this.replaceOrphans();
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.create(vscode.ViewColumn.Active, false);
  }

  private create(viewColumn: vscode.ViewColumn, preserveFocus: boolean): void {
    const panel = vscode.window.createWebviewPanel(chatPanelViewType, vscode.l10n.t('Azure OpenAI Chat'), { viewColumn, preserveFocus }, {
      enableScripts: true,
      enableFindWidget: true,
    });
    void this.adopt(panel);
  }

  private async adopt(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    void this.rememberWindow();
    const pings = answerPings(panel.webview);
    // Bind before the HTML loads, so the webview's `ready` cannot be missed.
    const binding = await this.bind(panelSurface(panel));
    configureChatWebview(panel.webview, this.extensionUri, 'panel');
    panel.onDidDispose(() => {
      pings.dispose();
      binding.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
      }
    });
  }

  /**
   * A chat panel tab in this window that no host of ours serves: an extension host of ours showed
   * the panel earlier in this same window session (a reload starts a new session, and VS Code
   * revives the panel through the serializer then), and this host has not adopted it.
   */
  private replaceOrphans(): void {
    if (!this.memory?.get<string[]>(panelWindowsKey, []).includes(vscode.env.sessionId)) {
      return;
    }
    const orphans = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter(isChatPanelTab);
    const first = orphans[0];
    if (!first || this.panel) {
      return;
    }
    // The new panel first, so the orphan's group stays open; then the orphan goes.
    this.create(first.group.viewColumn, !(first.isActive && first.group.isActive));
    void vscode.window.tabGroups.close(orphans, true);
  }

  private async rememberWindow(): Promise<void> {
    if (!this.memory) {
      return;
    }
    const session = vscode.env.sessionId;
    const known = this.memory.get<string[]>(panelWindowsKey, []);
    if (!known.includes(session)) {
      await this.memory.update(panelWindowsKey, [...known, session].slice(-rememberedWindows));
    }
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}

function isChatPanelTab(tab: vscode.Tab): boolean {
  // VS Code reports a panel's view type with a prefix of its own ("mainThreadWebview-").
  return tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(chatPanelViewType);
}
