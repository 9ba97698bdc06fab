/**
 * The connection header: who we talk to as whom, and, when that does not work yet, how to fix it.
 * Signed out, it offers the two ways in; misconfigured, the problem is the first thing in view.
 */
import type { ConnectionView, FixAction, ProblemView } from '../src/common/protocol';
import { element } from './dom';
import { actionButton, renderProblem } from './problems';
import { t } from './strings';

function fallbackMisconfigured(): ProblemView {
  return { title: t('notSetUpTitle'), detail: t('notSetUpDetail'), actions: ['openSettings'] };
}

export class Header {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly deployment: HTMLButtonElement;
  private readonly tenant: HTMLElement;
  private readonly details: HTMLElement;

  constructor() {
    this.label = element('span', { className: 'connection-label' });
    // The deployment is also the picker: clicking it switches this conversation's deployment.
    this.deployment = element('button', { className: 'connection-deployment', attributes: { type: 'button', id: 'deployment-picker' } });
    this.tenant = element('span', { className: 'connection-tenant', attributes: { id: 'connection-tenant' } });
    this.details = element('div', { className: 'connection-details' });
    this.element = element(
      'div',
      { className: 'connection', attributes: { id: 'connection', 'data-state': 'checking' } },
      element(
        'div',
        { className: 'connection-summary' },
        element('span', { className: 'connection-dot', attributes: { 'aria-hidden': 'true' } }),
        this.label,
        this.tenant,
        this.deployment,
      ),
      this.details,
    );
  }

  update(connection: ConnectionView): void {
    this.element.dataset.state = connection.state;
    this.label.textContent = connection.label;
    this.label.title = connection.label;
    this.deployment.textContent = connection.deployment || t('selectDeployment');
    this.deployment.hidden = connection.state === 'checking' && connection.deployment.length === 0;
    this.deployment.title = connection.deployment ? t('deploymentTitle', connection.deployment) : t('selectADeployment');
    this.deployment.setAttribute('aria-label', connection.deployment ? t('deploymentLabel', connection.deployment) : t('selectADeployment'));
    this.tenant.textContent = connection.tenant ? t('tenant', connection.tenant) : '';
    this.tenant.hidden = !connection.tenant;
    this.details.replaceChildren(...this.renderDetails(connection));
  }

  private renderDetails(connection: ConnectionView): HTMLElement[] {
    switch (connection.state) {
      case 'signedOut': {
        // The ways in that work with the auth setting: the problem names them ("No API key is
        // stored" offers only the key; a Microsoft sign-in would change nothing there). Its own
        // buttons must not repeat them.
        const waysIn = signInWays.filter((way) => !connection.problem || connection.problem.actions.includes(way.action));
        const shown = waysIn.map((way) => way.action);
        const parts: HTMLElement[] = [];
        if (connection.problem) {
          parts.push(renderProblem(connection.problem, withoutRetry(connection.problem.actions).filter((a) => !shown.includes(a))));
        } else {
          parts.push(element('p', { className: 'connection-hint', text: t('signInHint') }));
        }
        if (waysIn.length > 0) {
          parts.push(element('div', { className: 'connection-actions' }, ...waysIn.map((way, index) => actionButton(way.action, index === 0, way.id))));
        }
        return parts;
      }
      case 'misconfigured': {
        const problem = connection.problem ?? fallbackMisconfigured();
        const actions = withoutRetry(problem.actions);
        return [renderProblem(problem, actions.includes('openSettings') ? actions : ['openSettings', ...actions])];
      }
      case 'ready':
      case 'checking':
        return connection.problem ? [renderProblem(connection.problem, withoutRetry(connection.problem.actions))] : [];
    }
  }
}

/** The header's ways in while signed out, first the primary one. */
const signInWays: readonly { readonly action: FixAction; readonly id: string }[] = [
  { action: 'signIn', id: 'sign-in' },
  { action: 'setApiKey', id: 'use-api-key' },
];

/** Retry names a message; the header has none to name. */
function withoutRetry(actions: readonly FixAction[]): FixAction[] {
  return actions.filter((action) => action !== 'retry');
}
