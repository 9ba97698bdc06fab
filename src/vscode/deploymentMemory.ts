import type * as vscode from 'vscode';
import type { DeploymentMemory, DeploymentRecord } from '../azure/modelProfiles';


const memoryKey = 'azureOpenAIChat.deployments';

/**
 * What was learned about each deployment (its model, its refusals) and the effort the user
 * chose, kept across restarts in globalState; the model clients of src/chatCore.ts share it.
 */
export function globalStateMemory(state: vscode.Memento): DeploymentMemory {
  const records = new Map<string, DeploymentRecord>(Object.entries(state.get<Record<string, DeploymentRecord>>(memoryKey) ?? {}));
  return {
    get: (key) => records.get(key),
    set: (key, record) => {
      records.set(key, record);
      void state.update(memoryKey, Object.fromEntries(records));
    },
  };
}
