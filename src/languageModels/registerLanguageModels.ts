import * as vscode from 'vscode';
import { loadTokenCounter } from '../azure/tokenCounter';
import { openExtensionSettings } from '../vscode/settings';
import { AzureChatModelProvider, type AzureChatModelProviderDeps } from './azureChatModelProvider';
import { languageModelVendor, manageLanguageModelsCommand, selectDeploymentCommand } from './languageModelIds';


/**
 * Offers the user's Azure deployments to VS Code's chat model picker and to every extension
 * through `vscode.lm`, and the management command the picker's gear runs.
 */
export function registerLanguageModels(deps: AzureChatModelProviderDeps): vscode.Disposable {
  const provider = new AzureChatModelProvider(deps);
  return vscode.Disposable.from(
    provider,
    vscode.lm.registerLanguageModelChatProvider(languageModelVendor, provider),
    vscode.commands.registerCommand(manageLanguageModelsCommand, async () => {
      const commands = await vscode.commands.getCommands(true);
      if (commands.includes(selectDeploymentCommand)) {
        await vscode.commands.executeCommand(selectDeploymentCommand);
      } else {
        await openExtensionSettings();
      }
    }),
  );
}

/** The chat's tokenizer (o200k_base, loaded on first use), for provideTokenCount. */
export async function countTokensWithChatTokenizer(text: string): Promise<number> {
  return (await loadTokenCounter())(text);
}
