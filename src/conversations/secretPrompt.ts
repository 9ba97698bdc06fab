import * as vscode from 'vscode';
import { findSecrets, maskMarker, maskSecrets, type SecretFinding, summarizeFindings } from '../chat/secretScan';

/** What the user chose for text that looks like it holds secrets. */
export type SecretChoice = 'masked' | 'asIs' | 'cancel';

/**
 * Asks, in a modal, what to do with text about to be sent that holds what looks like secrets
 * (issue 21). `what` names the text for the user: a file name, "the selection", "your question".
 * Closing the dialog (Escape) is cancel, so nothing is sent without an answer.
 */
export async function confirmSecrets(findings: readonly SecretFinding[], what: string): Promise<SecretChoice> {
  if (findings.length === 0) {
    return 'asIs';
  }
  const found = summarizeFindings(findings)
    .map(({ label, count }) => (count === 1 ? label : vscode.l10n.t('{0} (×{1})', label, count)))
    .join(', ');
  const masked: vscode.MessageItem = { title: vscode.l10n.t('Send Masked') };
  const asIs: vscode.MessageItem = { title: vscode.l10n.t('Send as Is') };
  const cancel: vscode.MessageItem = { title: vscode.l10n.t('Cancel'), isCloseAffordance: true };
  const first = findings[0];
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} looks like it holds a secret: {1}', what, found),
    {
      modal: true,
      detail: vscode.l10n.t(
        'Send Masked replaces each value with a marker such as {0}, so the model never sees it. Send as Is sends the text unchanged to your Azure OpenAI deployment.',
        first ? maskMarker(first) : '[masked]',
      ),
    },
    masked,
    asIs,
    cancel,
  );
  return choice === masked ? 'masked' : choice === asIs ? 'asIs' : 'cancel';
}

/**
 * The whole check for one text about to be sent: the text to send (masked or as it was), or
 * undefined when the user cancelled. No dialog when nothing was found. `fileName` turns on the
 * `.env` rules for an attached file.
 */
export async function checkSecretsBeforeSending(text: string, what: string, fileName?: string): Promise<string | undefined> {
  const findings = findSecrets(text, fileName);
  switch (await confirmSecrets(findings, what)) {
    case 'masked':
      return maskSecrets(text, findings);
    case 'asIs':
      return text;
    case 'cancel':
      return undefined;
  }
}
