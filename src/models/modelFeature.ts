import type * as vscode from 'vscode';
import type { ModelStateView, ReasoningEffortValue } from '../common/protocol';
import { AzureAnswerSource } from '../azure/azureAnswerSource';
import { AzureModelClient, type DeploymentInfo } from '../azure/modelClient';
import type { DeploymentMemory, DeploymentRecord, ModelHint } from '../azure/modelProfiles';
import type { ConnectionManager, ConnectionResult } from '../connection/connectionManager';
import type { Logger } from '../logging/logger';

/** What the chat webview needs to show and change the model's options. */
export interface ModelStateProvider {
  state(): Promise<ModelStateView | undefined>;
  setEffort(effort: ReasoningEffortValue | undefined): Promise<void>;
}

export interface ModelFeatureDeps {
  readonly globalState: vscode.Memento;
  readonly connection: ConnectionManager;
  readonly log: Logger;
  /** The model behind a deployment, from discovery when it is wired. */
  readonly modelHint?: ModelHint;
}

const memoryKey = 'azureOpenAIChat.deployments';

/**
 * Wires the model core for the extension: one AzureModelClient (shared by every consumer of
 * Azure OpenAI), the chat's answer source over it, and the state the webview shows. What was
 * learned about each deployment, and the effort the user chose, survive restarts in globalState.
 */
export function createModelFeature(deps: ModelFeatureDeps): {
  client: AzureModelClient;
  source: AzureAnswerSource;
  models: ModelStateProvider;
  /** Another client over another connection (e.g. another deployment), sharing what was learned. */
  createClient: (connection: () => Promise<ConnectionResult>) => AzureModelClient;
} {
  const memory = globalStateMemory(deps.globalState);
  const createClient = (connection: () => Promise<ConnectionResult>) =>
    new AzureModelClient({ connection, log: deps.log, memory, ...(deps.modelHint ? { modelHint: deps.modelHint } : {}) });
  const connection = () => deps.connection.current();
  const client = createClient(connection);
  const source = new AzureAnswerSource({ client, connection });
  return {
    client,
    source,
    createClient,
    models: {
      state: async () => toModelStateView(await client.deploymentInfo()),
      setEffort: (effort) => client.setReasoningEffort(effort),
    },
  };
}

export function toModelStateView(info: DeploymentInfo | undefined): ModelStateView | undefined {
  if (!info) {
    return undefined;
  }
  const { profile, effort, deployment } = info;
  return { model: profile.model ?? deployment, efforts: profile.reasoningEfforts, ...(effort ? { effort } : {}) };
}

function globalStateMemory(state: vscode.Memento): DeploymentMemory {
  const records = new Map<string, DeploymentRecord>(Object.entries(state.get<Record<string, DeploymentRecord>>(memoryKey) ?? {}));
  return {
    get: (key) => records.get(key),
    set: (key, record) => {
      records.set(key, record);
      void state.update(memoryKey, Object.fromEntries(records));
    },
  };
}
