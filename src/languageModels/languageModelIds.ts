import { CommandId } from '../common/commands';

/**
 * The names package.json's `languageModelChatProviders` contribution uses, defined once (no
 * `vscode` import, so test/unit/languageModelManifest.test.ts checks them against the manifest).
 */
/** The vendor callers select our models with: `vscode.lm.selectChatModels({ vendor })`. */
export const languageModelVendor = 'azureOpenAIChat';
/** Run by the gear next to Azure OpenAI in VS Code's Manage Models. */
export const manageLanguageModelsCommand = CommandId.manageLanguageModels;
/** Contributed by deployment discovery; when it is there, managing models means picking a deployment. */
export const selectDeploymentCommand = CommandId.selectDeployment;
