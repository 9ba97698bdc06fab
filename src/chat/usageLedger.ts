/**
 * What was spent, per deployment per day, kept across reloads: every answer's tokens (input,
 * the cached part of it, output, reasoning) and, where the user set a price for the model, its
 * estimated cost. The chat's own answers and the requests other extensions make through the
 * language model provider are counted apart. Per-conversation totals need no ledger: each
 * answer's usage is saved in its conversation's journal (conversationTotals below).
 *
 * Prices are the user's (`azureOpenAIChat.prices`), per 1M tokens, because Azure's price depends
 * on the model, the deployment type, the region and the agreement: nothing here guesses one.
 */
import type { UsageTotalsView, UsageView } from '../common/protocol';
import { Emitter } from '../common/events';

/** Price per 1M tokens; `cachedInput` defaults to `input` (no discount known). */
export interface ModelPrice {
  readonly input: number;
  readonly cachedInput?: number;
  readonly output: number;
}

/** Keyed by model name ("gpt-4o-mini") or deployment name; a versioned model name matches its base. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export interface UsageCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly cachedInputTokens?: number;
}

export type UsageConsumer = 'chat' | 'otherExtensions';

export interface UsageRecord {
  readonly endpoint: string;
  readonly deployment: string;
  readonly consumer: UsageConsumer;
  readonly usage: UsageCounts;
  /** Estimated when the answer came, with the price table of that moment. */
  readonly cost?: number;
}

/** Where the ledger is kept (globalState on the VS Code side, memory in tests). */
export interface LedgerStore {
  get(): unknown;
  set(value: unknown): void | PromiseLike<void>;
}

const maxPrice = 1_000_000;
/** Days kept: a month answers "what did this cost me" without growing forever. */
const keptDays = 31;

/** The user's price table, validated: entries with a negative or non-numeric price are dropped. */
export function parsePriceTable(raw: unknown): PriceTable {
  const table: Record<string, ModelPrice> = {};
  if (!isRecord(raw)) {
    return table;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!isRecord(value) || !isPrice(value.input) || !isPrice(value.output) || (value.cachedInput !== undefined && !isPrice(value.cachedInput))) {
      continue;
    }
    table[key.trim().toLowerCase()] = { input: value.input, output: value.output, ...(value.cachedInput !== undefined ? { cachedInput: value.cachedInput as number } : {}) };
  }
  return table;
}

/** Daily budgets per deployment name (or `*` for every deployment), validated. */
export function parseBudgets(raw: unknown): Readonly<Record<string, number>> {
  const budgets: Record<string, number> = {};
  for (const [key, value] of Object.entries(isRecord(raw) ? raw : {})) {
    if (isPrice(value) && value > 0) {
      budgets[key.trim().toLowerCase()] = value;
    }
  }
  return budgets;
}

export function budgetFor(budgets: Readonly<Record<string, number>>, deployment: string): number | undefined {
  return budgets[deployment.toLowerCase()] ?? budgets['*'];
}

/**
 * The price of a deployment's answers: the deployment's own entry, else the model's (exact, or
 * the longest entry the versioned name starts with: "gpt-4o-mini-2024-07-18" takes "gpt-4o-mini").
 */
export function priceFor(table: PriceTable, model: string | undefined, deployment: string): ModelPrice | undefined {
  const byDeployment = table[deployment.toLowerCase()];
  if (byDeployment) {
    return byDeployment;
  }
  const name = model?.toLowerCase();
  if (!name) {
    return undefined;
  }
  if (table[name]) {
    return table[name];
  }
  const base = Object.keys(table)
    .filter((key) => name.startsWith(`${key}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? table[base] : undefined;
}

/** Input beyond the cached part at the input price, the cached part at its price, output (reasoning included) at the output price. */
export function estimateCost(usage: UsageCounts, price: ModelPrice): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  return ((usage.inputTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1_000_000;
}

export function emptyTotals(): UsageTotalsView {
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, answers: 0 };
}

export function addToTotals(totals: UsageTotalsView, usage: UsageCounts, cost: number | undefined): UsageTotalsView {
  const summedCost = cost === undefined ? totals.cost : (totals.cost ?? 0) + cost;
  return {
    inputTokens: totals.inputTokens + usage.inputTokens,
    cachedInputTokens: totals.cachedInputTokens + (usage.cachedInputTokens ?? 0),
    outputTokens: totals.outputTokens + usage.outputTokens,
    reasoningTokens: totals.reasoningTokens + usage.reasoningTokens,
    answers: totals.answers + 1,
    ...(summedCost !== undefined ? { cost: summedCost } : {}),
  };
}

/** A conversation's totals, from the usage each of its answers carries. */
export function conversationTotals(messages: ReadonlyArray<{ readonly usage?: UsageView }>): UsageTotalsView {
  return messages.reduce((totals, message) => (message.usage ? addToTotals(totals, message.usage, message.usage.cost) : totals), emptyTotals());
}

/** The local calendar day, as budgets are felt: "today" is the user's today. */
export function dayOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

interface StoredLedger {
  readonly version: 1;
  /** day -> "endpoint deployment" -> consumer -> totals */
  readonly days: Record<string, Record<string, Partial<Record<UsageConsumer, UsageTotalsView>>>>;
}

export class UsageLedger {
  private ledger: StoredLedger;
  private readonly changes = new Emitter<void>();
  readonly onDidChange = this.changes.event;

  constructor(
    private readonly store: LedgerStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.ledger = readLedger(store.get());
  }

  record(entry: UsageRecord): void {
    // Another window may have recorded since: start from what is stored.
    const stored = readLedger(this.store.get());
    const day = dayOf(this.now());
    const key = deploymentKey(entry.endpoint, entry.deployment);
    const days = { ...stored.days };
    const perDeployment = { ...days[day] };
    const perConsumer = { ...perDeployment[key] };
    perConsumer[entry.consumer] = addToTotals(perConsumer[entry.consumer] ?? emptyTotals(), entry.usage, entry.cost);
    perDeployment[key] = perConsumer;
    days[day] = perDeployment;
    for (const old of Object.keys(days).sort().slice(0, -keptDays)) {
      delete days[old];
    }
    this.ledger = { version: 1, days };
    void this.store.set(this.ledger);
    this.changes.fire();
  }

  /** A deployment's totals today, for one consumer or all. */
  deploymentToday(endpoint: string, deployment: string, consumer?: UsageConsumer): UsageTotalsView {
    const entry = this.ledger.days[dayOf(this.now())]?.[deploymentKey(endpoint, deployment)];
    return sumConsumers(entry, consumer);
  }

  /** Every deployment's totals today for one consumer (other extensions, say). */
  allToday(consumer: UsageConsumer): UsageTotalsView {
    const day = this.ledger.days[dayOf(this.now())] ?? {};
    return Object.values(day).reduce((totals, entry) => merge(totals, sumConsumers(entry, consumer)), emptyTotals());
  }

  /** Each day's totals for a deployment (oldest first), both consumers. */
  history(endpoint: string, deployment: string): Array<{ readonly day: string; readonly totals: UsageTotalsView }> {
    const key = deploymentKey(endpoint, deployment);
    return Object.keys(this.ledger.days)
      .sort()
      .flatMap((day) => {
        const entry = this.ledger.days[day]?.[key];
        return entry ? [{ day, totals: sumConsumers(entry) }] : [];
      });
  }

  /** Re-reads what is stored (another window recorded). */
  refresh(): void {
    this.ledger = readLedger(this.store.get());
  }

  dispose(): void {
    this.changes.dispose();
  }
}

function sumConsumers(entry: Partial<Record<UsageConsumer, UsageTotalsView>> | undefined, consumer?: UsageConsumer): UsageTotalsView {
  if (!entry) {
    return emptyTotals();
  }
  const parts = consumer ? [entry[consumer]] : [entry.chat, entry.otherExtensions];
  return parts.reduce<UsageTotalsView>((totals, part) => (part ? merge(totals, part) : totals), emptyTotals());
}

function merge(a: UsageTotalsView, b: UsageTotalsView): UsageTotalsView {
  const cost = a.cost === undefined && b.cost === undefined ? undefined : (a.cost ?? 0) + (b.cost ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    answers: a.answers + b.answers,
    ...(cost !== undefined ? { cost } : {}),
  };
}

function deploymentKey(endpoint: string, deployment: string): string {
  return `${endpoint.replace(/\/+$/, '').toLowerCase()} ${deployment}`;
}

/** What is stored, type-checked: anything malformed is left out rather than trusted. */
function readLedger(raw: unknown): StoredLedger {
  const days: StoredLedger['days'] = {};
  if (isRecord(raw) && raw.version === 1 && isRecord(raw.days)) {
    for (const [day, perDeployment] of Object.entries(raw.days)) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !isRecord(perDeployment)) {
        continue;
      }
      const checked: Record<string, Partial<Record<UsageConsumer, UsageTotalsView>>> = {};
      for (const [key, perConsumer] of Object.entries(perDeployment)) {
        if (!isRecord(perConsumer)) {
          continue;
        }
        const entry: Partial<Record<UsageConsumer, UsageTotalsView>> = {};
        for (const consumer of ['chat', 'otherExtensions'] as const) {
          const totals = perConsumer[consumer];
          if (isTotals(totals)) {
            entry[consumer] = totals;
          }
        }
        checked[key] = entry;
      }
      days[day] = checked;
    }
  }
  return { version: 1, days };
}

function isTotals(value: unknown): value is UsageTotalsView {
  const count = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return (
    isRecord(value) &&
    count(value.inputTokens) &&
    count(value.cachedInputTokens) &&
    count(value.outputTokens) &&
    count(value.reasoningTokens) &&
    count(value.answers) &&
    (value.cost === undefined || count(value.cost))
  );
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= maxPrice;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a question will probably cost before it is sent: the conversation so far and the question
 * as input (about four characters a token: a budget warning needs the size, not the exact count)
 * and, as output, this conversation's average answer so far (else 500 tokens).
 */
export function estimateQuestionCost(price: ModelPrice, history: ReadonlyArray<{ readonly text: string; readonly usage?: UsageView }>, question: string, systemPrompt = ''): number {
  const characters = history.reduce((sum, message) => sum + message.text.length, question.length + systemPrompt.length);
  const answered = history.filter((message) => message.usage);
  const output = answered.length > 0 ? answered.reduce((sum, message) => sum + (message.usage?.outputTokens ?? 0), 0) / answered.length : 500;
  return estimateCost({ inputTokens: Math.ceil(characters / 4), outputTokens: Math.ceil(output), reasoningTokens: 0 }, price);
}
