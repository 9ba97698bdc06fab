import * as vscode from 'vscode';
import type { ApprovalChoice, ApprovalPrompt, GrantStore } from '../chat/toolApproval';

/**
 * Asks the user in VS Code's own modal dialog, which no webview, file or tool output can click:
 * every approval is a user gesture. Closing the dialog denies.
 */
export const askInModal: ApprovalPrompt = async (request) => {
  const once = vscode.l10n.t('Allow Once');
  const conversation = vscode.l10n.t('Allow in This Conversation');
  const workspace = vscode.l10n.t('Always Allow in This Workspace');
  const effect =
    request.effect === 'write'
      ? vscode.l10n.t('This changes files in your workspace.')
      : request.effect === 'run'
        ? vscode.l10n.t('This runs a command on your computer.')
        : request.effect === 'network'
          ? vscode.l10n.t('This reaches the network.')
          : request.effect === 'unknown'
            ? vscode.l10n.t("This tool comes from another extension or an MCP server; what it does is up to it.")
            : vscode.l10n.t('This reads from your workspace.');
  const choices = request.canRememberForWorkspace ? [once, conversation, workspace] : [once, conversation];
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('Azure OpenAI Chat wants to use {0}: {1}', request.toolName, request.preview.title),
    { modal: true, detail: `${effect}\n\n${request.preview.detail}` },
    ...choices,
  );
  const result: ApprovalChoice = picked === once ? 'once' : picked === conversation ? 'conversation' : picked === workspace ? 'workspace' : 'deny';
  return result;
};

const grantsKey = 'azureOpenAIChat.toolGrants';

/** "Always allow in this workspace", kept by the extension in workspaceState: never read from settings. */
export class WorkspaceStateGrants implements GrantStore {
  constructor(private readonly state: vscode.Memento) {}

  private keys(): string[] {
    const stored = this.state.get<unknown>(grantsKey);
    return Array.isArray(stored) ? stored.filter((key): key is string => typeof key === 'string') : [];
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  async add(key: string): Promise<void> {
    if (!this.has(key)) {
      await this.state.update(grantsKey, [...this.keys(), key]);
    }
  }

  async clear(): Promise<void> {
    await this.state.update(grantsKey, undefined);
  }
}
