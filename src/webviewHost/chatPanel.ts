import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import { answerPings, configureChatWebview, panelSurface } from './chatWebview';
import type { ChatWebviewBinding, WebviewSurface } from './chatWebviewBinding';

export const chatPanelViewType = 'azureOpenAIChat.chatPanel';

/**
 * How long a visible chat tab may stay without a panel of this host before it counts as left
 * behind by an earlier host. A tab restored by a window reload is revived as soon as the
 * serializer is registered (or as soon as it is shown), within milliseconds.
 */
const revivalGraceMs = 3_000;

/**
 * The chat in an editor tab: one panel at most, revealed if it exists, and revived by VS Code
 * after a window reload (the conversation itself comes back from the journal).
 *
 * When the extension host ends and VS Code starts another (a crash, Restart Extension Host, an
 * extension update), VS Code keeps the panel's tab and webview but connects it to nothing: the
 * new host is never asked to revive it, as it is after a reload. So a chat tab that is in view
 * and still has no panel of this host a few seconds after activation (or after it came into
 * view) was left behind: a fresh panel takes its place and loads the conversation from the store.
 */
export class ChatPanelManager extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Ends what serves the panel, leaving the panel itself. */
  private release: (() => void) | undefined;
  private orphanCheck: ReturnType<typeof setTimeout> | undefined;

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
    this._register({ dispose: () => clearTimeout(this.orphanCheck) });
    this._register(
      vscode.window.tabGroups.onDidChangeTabs(({ opened, changed }) => {
        if ([...opened, ...changed].some((tab) => isChatPanelTab(tab) && tab.group.activeTab === tab)) {
          this.scheduleOrphanCheck();
        }
      }),
    );
    this.scheduleOrphanCheck();
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
    const pings = answerPings(panel.webview);
    // Bind before the HTML loads, so the webview's `ready` cannot be missed.
    const binding = await this.bind(panelSurface(panel));
    configureChatWebview(panel.webview, this.extensionUri, 'panel');
    const release = () => {
      pings.dispose();
      binding.dispose();
    };
    this.release = release;
    panel.onDidDispose(() => {
      release();
      if (this.panel === panel) {
        this.panel = undefined;
        this.release = undefined;
      }
    });
  }

  private scheduleOrphanCheck(): void {
    if (this.panel || this.orphanCheck) {
      return;
    }
    this.orphanCheck = setTimeout(() => {
      this.orphanCheck = undefined;
      this.replaceOrphans();
    }, revivalGraceMs);
  }

  /** Chat tabs in view while this host has no panel: their webviews talk to a host that ended. */
  private replaceOrphans(): void {
    if (this.panel || this.isDisposed) {
      return;
    }
    const orphans = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter(isChatPanelTab);
    const inView = orphans.find((tab) => tab.group.activeTab === tab);
    if (!inView) {
      // One out of view is left alone until it is shown: a reload revives it only then.
      return;
    }
    // The new panel first, so the orphan's group stays open; then the orphan goes.
    this.create(inView.group.viewColumn, !(inView.isActive && inView.group.isActive));
    void vscode.window.tabGroups.close(inView, true);
  }

  /**
   * The panel stays open when the extension host ends (Restart Extension Host, an update): the
   * next host puts a fresh panel in its place (see above), so the chat stays where it was.
   */
  override dispose(): void {
    this.release?.();
    super.dispose();
  }
}

function isChatPanelTab(tab: vscode.Tab): boolean {
  // VS Code reports a panel's view type with a prefix of its own ("mainThreadWebview-").
  return tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(chatPanelViewType);
}
