/**
 * The deployment a conversation was switched to (from the chat header), remembered with the
 * conversation. It overlays the endpoint and deployment settings for that conversation only;
 * everything else (validation, the token host policy, the sign-in) applies to it unchanged.
 */
import type { IDisposable } from '../common/dispose';
import type { RawSettings } from '../config/connectionSettings';

export interface DeploymentChoice {
  readonly endpoint: string;
  readonly deployment: string;
}

export function isDeploymentChoice(value: unknown): value is DeploymentChoice {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { endpoint, deployment } = value as Record<string, unknown>;
  return typeof endpoint === 'string' && endpoint !== '' && typeof deployment === 'string' && deployment !== '';
}

export function applyDeploymentChoice(raw: RawSettings, choice: DeploymentChoice | undefined): RawSettings {
  return choice ? { ...raw, endpoint: choice.endpoint, deployment: choice.deployment } : raw;
}

/**
 * The current conversation's deployment, as the connection reads it. Follows the session: a
 * switch from the header re-resolves the connection at once, so the next question goes there.
 */
export class ConversationDeployment {
  private choice: DeploymentChoice | undefined;

  get current(): DeploymentChoice | undefined {
    return this.choice;
  }

  apply(raw: RawSettings): RawSettings {
    return applyDeploymentChoice(raw, this.choice);
  }

  follow(
    session: { readonly deployment: DeploymentChoice | undefined; onDidChange(listener: (event: { readonly type: string }) => void): IDisposable },
    onChange: () => void,
  ): IDisposable {
    this.choice = session.deployment;
    if (this.choice) {
      onChange();
    }
    return session.onDidChange((event) => {
      if (event.type === 'deploymentChanged') {
        this.choice = session.deployment;
        onChange();
      }
    });
  }
}
