/**
 * Diagnose Connection and Copy Diagnostic Report: runs the checks of connectionChecks.ts with
 * the extension's own sign-in, secrets and settings, and shows the report as a markdown
 * document. Every problem card in the chat reaches this through the `diagnose` fix.
 */
import * as vscode from 'vscode';
import type { MicrosoftSessionProvider } from '../auth/credentialResolver';
import type { SecretStore } from '../config/vscodeSecrets';
import type { RawSettings } from '../config/connectionSettings';
import { SecretName } from '../config/settingKeys';
import type { DiscoveredDeployment } from '../discovery/deploymentDiscovery';
import { type CheckResult, diagnoseConnection } from './connectionChecks';
import { redactReport, renderReport } from './diagnosticReport';

export interface DiagnosticsDeps {
  readonly context: vscode.ExtensionContext;
  readonly microsoft: MicrosoftSessionProvider;
  readonly secrets: SecretStore;
  readonly log: vscode.LogOutputChannel;
  /** The settings the chat uses right now (the conversation's deployment included). */
  readonly readSettings: () => RawSettings;
  readonly discovered: () => readonly DiscoveredDeployment[];
}

export interface Diagnostics {
  /** Runs every check and shows the report; resolves with the results (tests read them). */
  run(): Promise<{ readonly results: readonly CheckResult[]; readonly report: string }>;
}

export function registerDiagnostics(deps: DiagnosticsDeps): Diagnostics {
  let lastReport: string | undefined;

  async function run(): Promise<{ results: readonly CheckResult[]; report: string }> {
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Diagnosing the Azure OpenAI connection…') },
      () =>
        diagnoseConnection({
          readSettings: deps.readSettings,
          microsoft: deps.microsoft,
          secrets: deps.secrets,
          env: process.env,
          log: deps.log,
          proxy: vscode.workspace.getConfiguration('http').get<string>('proxy') || process.env.HTTPS_PROXY || process.env.https_proxy || undefined,
          discovered: deps.discovered,
        }),
    );
    const report = renderReport(results, {
      generatedAt: new Date(),
      extensionVersion: String((deps.context.extension.packageJSON as { version?: unknown }).version ?? ''),
      vscodeVersion: vscode.version,
    });
    lastReport = report;
    const failed = results.filter((entry) => entry.status === 'fail');
    deps.log.info(`Diagnose Connection: ${results.map((entry) => `${entry.id}=${entry.status}`).join(' ')}`);
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
    await vscode.window.showTextDocument(document, { preview: false });
    const copy = vscode.l10n.t('Copy report');
    void vscode.window
      .showInformationMessage(
        failed.length ? vscode.l10n.t('Connection report: {0} failed. The first failure is usually the cause.', failed[0].title) : vscode.l10n.t('Connection report: every check passed.'),
        copy,
      )
      .then((choice) => (choice === copy ? copyReport() : undefined));
    return { results, report };
  }

  async function copyReport(): Promise<void> {
    if (!lastReport) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Run "Azure OpenAI: Diagnose Connection" first.'));
      return;
    }
    const secrets = (await Promise.all([deps.secrets.get(SecretName.apiKey), deps.secrets.get(SecretName.apimSubscriptionKey)])).filter(
      (value): value is string => typeof value === 'string',
    );
    await vscode.env.clipboard.writeText(redactReport(lastReport, secrets));
    void vscode.window.showInformationMessage(vscode.l10n.t('The connection report is on the clipboard, with secrets removed.'));
  }

  deps.context.subscriptions.push(
    vscode.commands.registerCommand('azureOpenAIChat.diagnoseConnection', () => run()),
    vscode.commands.registerCommand('azureOpenAIChat.copyDiagnosticReport', () => copyReport()),
  );
  return { run };
}
