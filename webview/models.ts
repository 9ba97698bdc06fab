/**
 * Models (issue 10) in the chat: the reasoning summary in a collapsed "Thinking" section above
 * an answer, token usage under it, how much of the context window the conversation fills, the
 * line where sending starts when older turns no longer fit, and the reasoning effort control for
 * models that take one. Model output is untrusted: the summary is rendered by the answers' own
 * markdown renderer (markdown.ts), which never lets markup, images or unsafe links through.
 */
import type { ChatMessageView, ModelsHostMessage, ModelStateView, ReasoningEffortValue, UsageView } from '../src/common/protocol';
import { element } from './dom';
import type { WebviewStringKey } from '../src/common/webviewStrings';
import { renderMarkdown } from './markdown';
import { t } from './strings';
import { formatCost } from './spend';

const numbers = new Intl.NumberFormat('en-US');

const effortLabels = {
  default: 'effortDefault',
  minimal: 'effortMinimal',
  low: 'effortLow',
  medium: 'effortMedium',
  high: 'effortHigh',
} as const satisfies Record<ReasoningEffortValue | 'default', WebviewStringKey>;

interface ReasoningSection {
  readonly details: HTMLDetailsElement;
  readonly label: HTMLElement;
  readonly body: HTMLElement;
  text: string;
  /** The text the body shows now. */
  rendered: string;
  frame: number;
}

function renderReasoning(section: ReasoningSection): void {
  if (section.details.open && section.rendered !== section.text) {
    section.body.innerHTML = renderMarkdown(section.text);
    section.rendered = section.text;
  }
}

export class ModelsUi {
  /** Context fill and reasoning effort, for the top bar. */
  readonly toolbar: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly effortLabel: HTMLElement;
  private readonly effort: HTMLSelectElement;
  private readonly reasoning = new Map<string, ReasoningSection>();
  private marker: HTMLElement | undefined;
  private startsAt: string | undefined;

  constructor(
    private readonly messageElement: (messageId: string) => HTMLElement | undefined,
    private readonly setEffort: (effort: ReasoningEffortValue | 'default') => void,
  ) {
    this.fill = element('div', { className: 'context-fill', attributes: { id: 'context-fill', role: 'status' } });
    this.fill.hidden = true;
    this.effort = element('select', { className: 'effort-select', attributes: { id: 'reasoning-effort', title: t('effortTitle') } });
    this.effortLabel = element('label', { className: 'effort', attributes: { for: 'reasoning-effort' } }, element('span', { text: t('effort') }), this.effort);
    this.effortLabel.hidden = true;
    this.effort.addEventListener('change', () => this.setEffort(this.effort.value as ReasoningEffortValue | 'default'));
    this.toolbar = element('div', { className: 'model-toolbar' }, this.fill, this.effortLabel);
  }

  handle(message: ModelsHostMessage): void {
    switch (message.type) {
      case 'reasoningDelta':
        this.appendReasoning(message.messageId, message.text);
        return;
      case 'usage':
        this.showUsage(message.messageId, message.usage);
        return;
      case 'sendingStartsAt':
        this.startsAt = message.messageId;
        this.placeMarker();
        return;
      case 'modelState':
        this.showModelState(message.state);
        return;
    }
  }

  /** Messages (re)created from a snapshot or added: draw what they carry. */
  restore(messages: readonly ChatMessageView[], replacedAll: boolean): void {
    if (replacedAll) {
      this.reasoning.clear();
      this.marker = undefined;
      this.fill.hidden = true;
    }
    for (const message of messages) {
      if (message.reasoning) {
        this.appendReasoning(message.id, message.reasoning);
      }
      if (message.usage) {
        this.showUsage(message.id, message.usage);
      }
    }
    this.placeMarker();
  }

  private appendReasoning(messageId: string, text: string): void {
    const root = this.messageElement(messageId);
    if (!root) {
      return;
    }
    let section = this.reasoning.get(messageId);
    if (!section || !section.details.isConnected) {
      const label = element('span', { className: 'reasoning-label', text: t('thinking') });
      const body = element('div', { className: 'reasoning-body markdown' });
      // Collapsed: the answer is what the user came for; the thinking is there when wanted.
      const details = element('details', { className: 'reasoning' }, element('summary', {}, label), body);
      root.querySelector(':scope > .message-body')?.before(details);
      const created: ReasoningSection = { details, label, body, text: '', rendered: '', frame: 0 };
      details.addEventListener('toggle', () => renderReasoning(created));
      section = created;
      this.reasoning.set(messageId, section);
    }
    section.text += text;
    // Rendered only while open, at most once a frame: a long summary streams in many pieces.
    if (section.details.open && section.frame === 0) {
      const open = section;
      open.frame = requestAnimationFrame(() => {
        open.frame = 0;
        renderReasoning(open);
      });
    }
    // The latest bold heading of the summary says what the model is thinking about now.
    const headings = [...section.text.matchAll(/\*\*([^*\n]{1,80})\*\*/g)];
    const latest = headings.at(-1)?.[1];
    section.label.textContent = latest ? t('thinkingAbout', latest) : t('thinking');
  }

  private showUsage(messageId: string, usage: UsageView): void {
    const root = this.messageElement(messageId);
    if (!root) {
      return;
    }
    root.querySelector(':scope > .usage')?.remove();
    const parts = [t('tokensIn', numbers.format(usage.inputTokens))];
    // Spend: the cached part of the input (billed at a discount), and the cost where a price is set.
    if (usage.cachedInputTokens) {
      parts.push(t('tokensCached', numbers.format(usage.cachedInputTokens)));
    }
    parts.push(t('tokensOut', numbers.format(usage.outputTokens)));
    if (usage.reasoningTokens > 0) {
      parts.push(t('tokensReasoning', numbers.format(usage.reasoningTokens)));
    }
    if (usage.cost !== undefined) {
      parts.push(`≈ ${formatCost(usage.cost)}`);
    }
    root.append(element('div', { className: 'usage', text: t('tokens', parts.join(' · ')) }));
    if (usage.contextWindow) {
      const used = usage.inputTokens + usage.outputTokens;
      const percent = Math.min(100, Math.round((used / usage.contextWindow) * 100));
      this.fill.hidden = false;
      this.fill.textContent = t('contextFill', percent);
      this.fill.title = t('contextFillTitle', numbers.format(used), numbers.format(usage.contextWindow));
      this.fill.setAttribute('aria-label', this.fill.title);
      this.fill.style.setProperty('--fill', `${percent}%`);
    }
  }

  private placeMarker(): void {
    const target = this.startsAt ? this.messageElement(this.startsAt) : undefined;
    if (!target) {
      this.marker?.remove();
      return;
    }
    this.marker ??= element('div', {
      className: 'sending-starts',
      // An item of the conversation list it sits in (a note there would break the list).
      attributes: { id: 'sending-starts', role: 'listitem' },
      text: t('sendingStarts'),
    });
    if (target.previousElementSibling !== this.marker) {
      target.before(this.marker);
    }
  }

  private showModelState(state: ModelStateView | undefined): void {
    const efforts = state?.efforts ?? [];
    this.effortLabel.hidden = efforts.length === 0;
    const wanted: (ReasoningEffortValue | 'default')[] = ['default', ...efforts];
    if ([...this.effort.options].map((option) => option.value).join() !== wanted.join()) {
      this.effort.replaceChildren(...wanted.map((value) => element('option', { text: t(effortLabels[value]), attributes: { value } })));
    }
    this.effort.value = state?.effort ?? 'default';
    this.effortLabel.title = state ? t('effortFor', state.model) : '';
  }
}
