/**
 * A problem (why something failed, what to change) with one button per fix. Buttons carry only
 * the action's name in `data-action`; main.ts turns a click into a message, and the host
 * decides what the action does.
 */
import type { FixAction, ProblemView } from '../src/common/protocol';
import { element } from './dom';
import { t } from './strings';
import { renderProblemSpend } from './spend';

export const actionLabels: Readonly<Record<FixAction, string>> = {
  retry: t('actionRetry'),
  openSettings: t('actionOpenSettings'),
  signIn: t('actionSignIn'),
  setApiKey: t('actionSetApiKey'),
  setSubscriptionKey: t('actionSetSubscriptionKey'),
  showLog: t('actionShowLog'),
  selectDeployment: t('actionSelectDeployment'),
  diagnose: t('actionDiagnose'),
  newChat: t('actionNewChat'),
  continue: t('actionContinue'),
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

/**
 * A problem's words with `backticked` commands and names shown as code, as the host writes them
 * ("run `az login` in a terminal"). Built from text nodes: a detail may quote a server's answer,
 * so nothing in it is ever markup.
 */
export function textWithCode(text: string): Node[] {
  return text.split(/`([^`\n]+)`/).map((part, index) => (index % 2 === 1 ? element('code', { text: part }) : document.createTextNode(part)));
}

export function renderProblem(problem: ProblemView, actions: readonly FixAction[] = problem.actions): HTMLElement {
  const block = element('div', { className: 'problem' }, element('div', { className: 'problem-title', text: problem.title }));
  if (problem.detail) {
    block.append(element('div', { className: 'problem-detail' }, ...textWithCode(problem.detail)));
  }
  // Spend: what the content filter flagged, and deployments to switch to after a 429.
  block.append(...renderProblemSpend(problem));
  // Every problem card offers Diagnose Connection, last, after the fixes that name the cause.
  const shown = actions.includes('diagnose') ? actions : [...actions, 'diagnose' as const];
  block.append(element('div', { className: 'problem-actions' }, ...shown.map((action, index) => actionButton(action, index === 0))));
  return block;
}
