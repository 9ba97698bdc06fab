import * as vscode from 'vscode';
import { isOpenableUrl } from './messageValidation';

/**
 * Opens a link from an answer only after the user has seen the full address: a model can be
 * talked into writing links whose text says one thing and whose target another.
 */
export async function confirmAndOpenLink(url: string): Promise<void> {
  if (!isOpenableUrl(url)) {
    return;
  }
  const open = vscode.l10n.t('Open Link');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Open this link from the chat answer?'),
    { modal: true, detail: url },
    open,
  );
  if (choice === open) {
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }
}
