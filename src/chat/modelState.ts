import type { ModelStateView, ReasoningEffortValue } from '../common/protocol';
import type { ConnectionTarget } from '../config/connectionTarget';

/** What the chat webview needs to show and change the model's options, for its conversation's target. */
export interface ModelStateProvider {
  state(target: ConnectionTarget | undefined): Promise<ModelStateView | undefined>;
  setEffort(target: ConnectionTarget | undefined, effort: ReasoningEffortValue | undefined): Promise<void>;
}
