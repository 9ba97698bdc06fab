/**
 * Diagnose Connection and Copy Diagnostic Report: runs the checks of connectionChecks.ts on the
 * chat's own connection (the same factory, credential and hardened fetch), and shows the report
 * as a markdown document. Every problem card in the chat reaches this through the `diagnose` fix.
 * The report is redacted once, where it is made, so the editor, the clipboard and the log all
 * get the same redacted text.
 */
import * as vscode from 'vscode';
import { readApiKey } from '../config/apiKeys';
import type { RawSettings } from '../config/connectionSettings';
import { type ConnectionTarget, settingsForTarget } from '../config/connectionTarget';
import type { SecretStore } from './secretStore';
import { SecretName } from '../config/settingKeys';
import type { ConnectionResult } from '../connection/connectionManager';
import type { DiscoveredDeployment } from '../discovery/deploymentDiscovery';
import { CommandId } from '../common/commands';
import { type CheckResult, diagnoseConnection } from '../diagnostics/connectionChecks';
import { reportForUser } from '../diagnostics/diagnosticReport';

export interface DiagnosticsDeps {
  readonly context: vscode.ExtensionContext;
  readonly secrets: SecretStore;
  readonly log: vscode.LogOutputChannel;
  readonly readSettings: () => RawSettings;
  /** The chat's connection factory. */
  readonly connection: (target: ConnectionTarget | undefined) => Promise<ConnectionResult>;
  /** The target of the conversation in the view used last (the palette command diagnoses it). */
  readonly activeTarget: () => Promise<ConnectionTarget | undefined>;
  readonly discovered: () => readonly DiscoveredDeployment[];
}

export interface Diagnostics {
  /** Runs every check and shows the report; resolves with the results (tests read them). */
  run(target?: ConnectionTarget): Promise<{ readonly results: readonly CheckResult[]; readonly report: string }>;
}

export function registerDiagnostics(deps: DiagnosticsDeps): Diagnostics {
  let lastReport: string | undefined;

  async function run(target?: ConnectionTarget): Promise<{ results: readonly CheckResult[]; report: string }> {
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Diagnosing the Azure OpenAI connection…') },
      () =>
        diagnoseConnection({
          readSettings: deps.readSettings,
          ...(target ? { target } : {}),
          connection: deps.connection,
          log: deps.log,
          proxy: vscode.workspace.getConfiguration('http').get<string>('proxy') || process.env.HTTPS_PROXY || process.env.https_proxy || undefined,
          discovered: deps.discovered,
        }),
    );
    const report = reportForUser(
      results,
      {
        generatedAt: new Date(),
        extensionVersion: String((deps.context.extension.packageJSON as { version?: unknown }).version ?? ''),
        vscodeVersion: vscode.version,
      },
      await knownSecrets(target),
    );
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

  /** The stored values a server might echo bare: the target's API key and the subscription key. */
  async function knownSecrets(target: ConnectionTarget | undefined): Promise<string[]> {
    const endpoint = settingsForTarget(deps.readSettings(), target).endpoint;
    const values = await Promise.all([
      typeof endpoint === 'string' ? readApiKey(deps.secrets, endpoint) : undefined,
      deps.secrets.get(SecretName.apimSubscriptionKey),
    ]);
    return values.filter((value): value is string => typeof value === 'string');
  }

  async function copyReport(): Promise<void> {
    if (!lastReport) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Run "Azure OpenAI: Diagnose Connection" first.'));
      return;
    }
    await vscode.env.clipboard.writeText(lastReport);
    void vscode.window.showInformationMessage(vscode.l10n.t('The connection report is on the clipboard, with secrets removed.'));
  }

  deps.context.subscriptions.push(
    vscode.commands.registerCommand(CommandId.diagnoseConnection, async (target?: unknown) => run(isTargetArgument(target) ? target : await deps.activeTarget())),
    vscode.commands.registerCommand(CommandId.copyDiagnosticReport, () => copyReport()),
  );
  return { run };
}

function isTargetArgument(value: unknown): value is ConnectionTarget {
  return typeof value === 'object' && value !== null && typeof (value as ConnectionTarget).endpoint === 'string' && typeof (value as ConnectionTarget).deployment === 'string';
}
