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
    await vscode.env.openExternal(exactly(url));
  }
}

/**
 * The confirmed string itself, not a Uri made from it: Uri.parse decodes percent-escapes and
 * toString() encodes again, so `a%2Fb` would open as `a/b`, another resource than the one
 * shown. openExternal is typed for a Uri but takes the string: VS Code parses it and, when
 * parsing and printing give the same string back, opens that very string
 * (ExtHostWindow.openUri, MainThreadWindow.$openUri).
 */
function exactly(url: string): vscode.Uri {
  return url as unknown as vscode.Uri;
}
