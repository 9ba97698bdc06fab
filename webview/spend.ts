/**
 * Spend (issue 21) in the chat: what this conversation and the deployment have used today (and
 * other extensions through the language model provider), the estimated cost where a price is
 * set, what is left of the deployment's quota, the daily budget warning, what the content filter
 * flagged (with protected code's citation), and a 429's offer of another deployment. Everything
 * the service wrote (a citation's URL and license) is shown as text, never as a link or markup.
 */
import {
  type DeploymentOfferView,
  filterCategories,
  type FilterCategory,
  type FilterFindingView,
  type FilterView,
  type ProblemView,
  type QuotaView,
  type RateLimitView,
  type SpendHostMessage,
  type SpendView,
  type UsageTotalsView,
  type WebviewToHostMessage,
} from '../src/common/protocol';
import { element } from './dom';
import { t } from './strings';

const numbers = new Intl.NumberFormat('en-US');

type Fields = Record<string, unknown>;

// ---- Parsing (the host is trusted, but a malformed message is dropped, not half-applied) -------

export function parseSpendMessage(data: Fields): SpendHostMessage | undefined {
  switch (data.type) {
    case 'spend': {
      const spend = parseSpendView(data.spend);
      return spend && { type: 'spend', spend };
    }
    case 'filterNotice': {
      const filter = parseFilter(data.filter);
      return typeof data.messageId === 'string' && filter ? { type: 'filterNotice', messageId: data.messageId, filter } : undefined;
    }
    case 'budgetWarning':
      return typeof data.text === 'string' && isAmount(data.spent) && isAmount(data.budget) && isAmount(data.estimate) && typeof data.currency === 'string'
        ? { type: 'budgetWarning', text: data.text, spent: data.spent, budget: data.budget, estimate: data.estimate, currency: data.currency }
        : undefined;
    default:
      return undefined;
  }
}

/** A problem's spend parts (filter findings, the rate limit); malformed parts are dropped. */
export function parseProblemSpend(value: Fields): Pick<ProblemView, 'filter' | 'rateLimit'> {
  const filter = parseFilter(value.filter);
  const rateLimit = parseRateLimit(value.rateLimit);
  return { ...(filter ? { filter } : {}), ...(rateLimit ? { rateLimit } : {}) };
}

export function parseFilter(value: unknown): FilterView | undefined {
  if (!isFields(value) || (value.source !== 'prompt' && value.source !== 'completion') || !Array.isArray(value.findings)) {
    return undefined;
  }
  const findings = value.findings.map(parseFinding).filter((finding): finding is FilterFindingView => finding !== undefined);
  return { source: value.source, findings, ...(isAmount(value.cutAt) ? { cutAt: value.cutAt } : {}) };
}

function parseFinding(value: unknown): FilterFindingView | undefined {
  if (!isFields(value) || !(filterCategories as readonly unknown[]).includes(value.category) || typeof value.filtered !== 'boolean') {
    return undefined;
  }
  const citation = isFields(value.citation) && typeof value.citation.url === 'string' && typeof value.citation.license === 'string' ? { url: value.citation.url, license: value.citation.license } : undefined;
  return {
    category: value.category as FilterCategory,
    filtered: value.filtered,
    ...(typeof value.severity === 'string' ? { severity: value.severity } : {}),
    ...(typeof value.detected === 'boolean' ? { detected: value.detected } : {}),
    ...(citation ? { citation } : {}),
  };
}

function parseRateLimit(value: unknown): RateLimitView | undefined {
  if (!isFields(value) || (value.limit !== 'tokens' && value.limit !== 'requests' && value.limit !== 'unknown')) {
    return undefined;
  }
  const alternatives = Array.isArray(value.alternatives) ? value.alternatives.map(parseOffer).filter((offer): offer is DeploymentOfferView => offer !== undefined) : [];
  return { limit: value.limit, ...(isAmount(value.waitSeconds) ? { waitSeconds: value.waitSeconds } : {}), ...(alternatives.length ? { alternatives } : {}) };
}

function parseOffer(value: unknown): DeploymentOfferView | undefined {
  return isFields(value) && typeof value.endpoint === 'string' && typeof value.deployment === 'string' && typeof value.sku === 'string'
    ? { endpoint: value.endpoint, deployment: value.deployment, sku: value.sku, ...(isAmount(value.capacity) ? { capacity: value.capacity } : {}) }
    : undefined;
}

function parseTotals(value: unknown): UsageTotalsView | undefined {
  if (!isFields(value) || !isAmount(value.inputTokens) || !isAmount(value.cachedInputTokens) || !isAmount(value.outputTokens) || !isAmount(value.reasoningTokens) || !isAmount(value.answers)) {
    return undefined;
  }
  const { inputTokens, cachedInputTokens, outputTokens, reasoningTokens, answers } = value;
  return { inputTokens, cachedInputTokens, outputTokens, reasoningTokens, answers, ...(isAmount(value.cost) ? { cost: value.cost } : {}) };
}

function parseQuota(value: unknown): QuotaView | undefined {
  if (!isFields(value)) {
    return undefined;
  }
  return { ...(isAmount(value.remainingRequests) ? { remainingRequests: value.remainingRequests } : {}), ...(isAmount(value.remainingTokens) ? { remainingTokens: value.remainingTokens } : {}) };
}

function parseSpendView(value: unknown): SpendView | undefined {
  const conversation = isFields(value) ? parseTotals(value.conversation) : undefined;
  if (!isFields(value) || !conversation) {
    return undefined;
  }
  const today = parseTotals(value.today);
  const others = parseTotals(value.otherExtensionsToday);
  const quota = parseQuota(value.quota);
  return {
    conversation,
    ...(typeof value.deployment === 'string' ? { deployment: value.deployment } : {}),
    ...(today ? { today } : {}),
    ...(others ? { otherExtensionsToday: others } : {}),
    ...(typeof value.currency === 'string' ? { currency: value.currency } : {}),
    ...(isAmount(value.budget) ? { budget: value.budget } : {}),
    ...(quota ? { quota } : {}),
  };
}

// ---- Showing ---------------------------------------------------------------------------------

export function formatCost(amount: number, currency = 'USD'): string {
  // Small answers cost fractions of a cent: show enough digits to see them.
  const digits = amount >= 1 ? 2 : amount >= 0.01 ? 3 : 4;
  return `${currency === 'USD' ? '$' : `${currency} `}${amount.toFixed(digits)}`;
}

function describeTotals(totals: UsageTotalsView, currency: string | undefined): string {
  const parts = [`${numbers.format(totals.inputTokens)} in`];
  if (totals.cachedInputTokens > 0) {
    parts.push(`${numbers.format(totals.cachedInputTokens)} cached`);
  }
  parts.push(`${numbers.format(totals.outputTokens)} out`);
  if (totals.reasoningTokens > 0) {
    parts.push(`${numbers.format(totals.reasoningTokens)} reasoning`);
  }
  if (totals.cost !== undefined) {
    parts.push(`≈ ${formatCost(totals.cost, currency)}`);
  }
  return parts.join(' · ');
}

const categoryNames: Readonly<Record<FilterCategory, string>> = {
  hate: 'Hate and fairness',
  sexual: 'Sexual',
  violence: 'Violence',
  self_harm: 'Self-harm',
  profanity: 'Profanity',
  jailbreak: 'Prompt attack (jailbreak)',
  indirect_attack: 'Indirect attack in attached content',
  protected_material_text: 'Protected text',
  protected_material_code: 'Protected code',
};

/** The filter's findings as a list: category, severity or detection, blocked or annotated, and a citation. */
export function renderFilter(filter: FilterView): HTMLElement {
  const where = filter.source === 'prompt' ? 'the question' : 'the answer';
  const list = element('ul', { className: 'filter-findings' });
  for (const finding of filter.findings) {
    const verdict = finding.severity && finding.severity !== 'safe' ? `severity ${finding.severity}` : finding.detected ? 'detected' : '';
    const item = element('li', { className: 'filter-finding', attributes: { 'data-category': finding.category } }, element('span', { className: 'filter-category', text: categoryNames[finding.category] }));
    item.append(document.createTextNode(`: ${[verdict, finding.filtered ? 'blocked' : 'annotated only'].filter(Boolean).join(', ')}`));
    if (finding.citation) {
      // Azure asks applications that show code to show where it was found and its license.
      item.append(
        element(
          'div',
          { className: 'filter-citation' },
          document.createTextNode('Matches public code at '),
          element('code', { className: 'citation-url', text: finding.citation.url }),
          document.createTextNode(' under license '),
          element('code', { className: 'citation-license', text: finding.citation.license || 'unknown' }),
          document.createTextNode('. Check that license before you use this code.'),
        ),
      );
    }
    list.append(item);
  }
  return element('div', { className: 'filter-view', attributes: { 'data-source': filter.source } }, element('div', { className: 'filter-title', text: `Content filter on ${where}` }), list);
}

/** The parts of a problem card the spend feature adds: findings, and deployments to switch to. */
export function renderProblemSpend(problem: ProblemView): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (problem.filter && problem.filter.findings.length > 0) {
    parts.push(renderFilter(problem.filter));
  }
  const offers = problem.rateLimit?.alternatives ?? [];
  if (offers.length > 0) {
    parts.push(
      element(
        'div',
        { className: 'rate-limit-offers' },
        element('div', { text: 'Deployments of the same model that can answer now:' }),
        ...offers.map((offer) =>
          element('button', {
            className: 'button secondary switch-deployment',
            text: `Use ${offer.deployment} (${offer.sku}${offer.capacity !== undefined ? `, capacity ${numbers.format(offer.capacity)}${/provisioned/i.test(offer.sku) ? ' PTU' : 'K TPM'}` : ''})`,
            attributes: { type: 'button', 'data-endpoint': offer.endpoint, 'data-deployment': offer.deployment },
          }),
        ),
      ),
    );
  }
  return parts;
}

export class SpendUi {
  /** The spend line under the top bar. */
  readonly element: HTMLElement;
  private readonly warning: HTMLElement;

  constructor(
    private readonly messageElement: (messageId: string) => HTMLElement | undefined,
    private readonly post: (message: WebviewToHostMessage) => void,
  ) {
    // Not a live region: it changes after every answer, and the answer's own announcement is enough.
    this.element = element('div', { className: 'spend', attributes: { id: 'spend', 'aria-label': t('usageAndCost') } });
    this.element.hidden = true;
    this.warning = element('div', { className: 'budget-warning', attributes: { id: 'budget-warning', role: 'alert' } });
    this.warning.hidden = true;
  }

  /** Goes above the question box. */
  get warningElement(): HTMLElement {
    return this.warning;
  }

  /** The 429 card's buttons, wherever a card is. */
  listen(root: HTMLElement): void {
    root.addEventListener('click', (event) => {
      const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.switch-deployment');
      const endpoint = button?.dataset.endpoint;
      const deployment = button?.dataset.deployment;
      if (endpoint && deployment) {
        this.post({ type: 'switchDeployment', endpoint, deployment });
      }
    });
  }

  handle(message: SpendHostMessage): void {
    switch (message.type) {
      case 'spend':
        this.showSpend(message.spend);
        return;
      case 'filterNotice':
        this.showFilterNotice(message.messageId, message.filter);
        return;
      case 'budgetWarning':
        this.showBudgetWarning(message);
        return;
    }
  }

  /** An answer's problem card that shows the filter's findings replaces the notice of the same source. */
  finished(messageId: string, problem: ProblemView | undefined): void {
    if (problem?.filter && problem.filter.findings.length > 0) {
      this.messageElement(messageId)?.querySelector(`:scope > .filter-notice[data-source="${problem.filter.source}"]`)?.remove();
    }
  }

  private showSpend(spend: SpendView): void {
    const lines: HTMLElement[] = [element('div', { className: 'spend-conversation', text: `This chat: ${describeTotals(spend.conversation, spend.currency)}` })];
    if (spend.today && spend.deployment) {
      const budget = spend.budget !== undefined ? ` of ${formatCost(spend.budget, spend.currency)} budget` : '';
      lines.push(element('div', { className: 'spend-today', text: `${spend.deployment} today: ${describeTotals(spend.today, spend.currency)}${budget}` }));
    }
    if (spend.otherExtensionsToday && spend.otherExtensionsToday.answers > 0) {
      const others = spend.otherExtensionsToday;
      lines.push(element('div', { className: 'spend-other-extensions', text: `Other extensions today: ${numbers.format(others.answers)} requests · ${describeTotals(others, spend.currency)}` }));
    }
    const quota = spend.quota;
    if (quota && (quota.remainingRequests !== undefined || quota.remainingTokens !== undefined)) {
      const parts = [
        ...(quota.remainingRequests !== undefined ? [`${numbers.format(quota.remainingRequests)} requests`] : []),
        ...(quota.remainingTokens !== undefined ? [`${numbers.format(quota.remainingTokens)} tokens`] : []),
      ];
      lines.push(element('div', { className: 'spend-quota', text: `Left this minute: ${parts.join(', ')}` }));
    }
    this.element.replaceChildren(...lines);
    this.element.hidden = false;
  }

  private showFilterNotice(messageId: string, filter: FilterView): void {
    const root = this.messageElement(messageId);
    if (!root || filter.findings.length === 0) {
      return;
    }
    root.querySelector(`:scope > .filter-notice[data-source="${filter.source}"]`)?.remove();
    const notice = renderFilter(filter);
    notice.classList.add('filter-notice');
    root.append(notice);
  }

  private showBudgetWarning(message: Extract<SpendHostMessage, { type: 'budgetWarning' }>): void {
    const send = element('button', { className: 'button', text: 'Send anyway', attributes: { type: 'button', id: 'send-over-budget' } });
    const dismiss = element('button', { className: 'button secondary', text: 'Not now', attributes: { type: 'button' } });
    send.addEventListener('click', () => {
      this.warning.hidden = true;
      this.post({ type: 'sendOverBudget', text: message.text });
    });
    dismiss.addEventListener('click', () => {
      this.warning.hidden = true;
    });
    this.warning.replaceChildren(
      element('div', {
        className: 'budget-warning-text',
        text: `This question would pass today's budget: ${formatCost(message.spent, message.currency)} spent of ${formatCost(message.budget, message.currency)}, and it costs about ${formatCost(message.estimate, message.currency)}.`,
      }),
      element('div', { className: 'budget-warning-actions' }, send, dismiss),
    );
    this.warning.hidden = false;
  }
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
