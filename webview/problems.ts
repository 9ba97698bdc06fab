/**
 * A problem (why something failed, what to change) with one button per fix. Buttons carry only
 * the action's name in `data-action`; main.ts turns a click into a message, and the host
 * decides what the action does.
 */
import type { FixAction, ProblemView } from '../src/common/protocol';
import { element } from './dom';

export const actionLabels: Readonly<Record<FixAction, string>> = {
  retry: 'Retry',
  openSettings: 'Open Settings',
  signIn: 'Sign in with Microsoft',
  setApiKey: 'Use an API key',
  setSubscriptionKey: 'Set Subscription Key',
  showLog: 'Show Log',
  newChat: 'New Chat',
};

export function actionButton(action: FixAction, primary: boolean, id?: string): HTMLButtonElement {
  const button = element('button', {
    className: primary ? 'button' : 'button secondary',
    text: actionLabels[action],
    attributes: { type: 'button', 'data-action': action },
  });
  if (id) {
    button.id = id;
  }
  return button;
}

export function renderProblem(problem: ProblemView, actions: readonly FixAction[] = problem.actions): HTMLElement {
  const block = element('div', { className: 'problem' }, element('div', { className: 'problem-title', text: problem.title }));
  if (problem.detail) {
    block.append(element('div', { className: 'problem-detail', text: problem.detail }));
  }
  if (actions.length > 0) {
    block.append(
      element('div', { className: 'problem-actions' }, ...actions.map((action, index) => actionButton(action, index === 0))),
    );
  }
  return block;
}
