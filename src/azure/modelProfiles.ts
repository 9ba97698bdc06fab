import type { ReasoningEffort } from './modelRequest';

/**
 * What a deployment's model accepts. Azure does not say before a request, so the profile starts
 * from the model's family (the model the service reported in an earlier answer, discovery's
 * hint, or failing both the deployment's name, which is often the model's), and is corrected by
 * what the service refused (modelAdaptation.ts). The corrections are kept per deployment.
 */
export type ModelApi = 'chat' | 'responses';

export interface ModelProfile {
  /** The model name the profile was derived from; undefined when nothing hints at one. */
  readonly model: string | undefined;
  /** Responses for models that only have it (codex, -pro) and for reasoning models, whose summaries it streams. */
  readonly api: ModelApi;
  /** False for models that answer only on the Responses API (codex, -pro). */
  readonly chatCompletions: boolean;
  /** Role of the system prompt on chat completions (Responses takes it as `instructions`). */
  readonly instructionsRole: 'system' | 'developer' | 'user';
  /** Instruction roles the service refused for this deployment. */
  readonly refusedInstructionRoles?: readonly string[];
  readonly maxTokensParameter: 'max_completion_tokens' | 'max_tokens';
  /** False when only the default temperature is accepted. */
  readonly temperature: boolean;
  /** Values of reasoning effort the model takes; empty when it takes none. */
  readonly reasoningEfforts: readonly ReasoningEffort[];
  /** Reasoning summaries on the Responses API. */
  readonly reasoningSummary: boolean;
  /** Input plus output tokens. */
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
}

/** What was learned about one deployment; every field overrides the family's default. */
export interface LearnedProfile {
  /** The model the service said answered (e.g. gpt-5-mini-2025-08-07). */
  readonly reportedModel?: string;
  readonly api?: ModelApi;
  readonly chatCompletions?: boolean;
  readonly instructionsRole?: ModelProfile['instructionsRole'];
  readonly refusedInstructionRoles?: readonly string[];
  readonly maxTokensParameter?: ModelProfile['maxTokensParameter'];
  readonly temperature?: boolean;
  readonly reasoningEfforts?: readonly ReasoningEffort[];
  readonly reasoningSummary?: boolean;
  readonly contextWindow?: number;
  /** Responses answered 404 here (a gateway that routes only chat completions). */
  readonly responsesUnavailable?: boolean;
}

/** Where learned profiles and the user's effort choice live (globalState in VS Code, memory in tests). */
export interface DeploymentMemory {
  get(key: string): DeploymentRecord | undefined;
  set(key: string, record: DeploymentRecord): void;
}

export interface DeploymentRecord {
  readonly learned?: LearnedProfile;
  readonly effort?: ReasoningEffort;
}

export class InMemoryDeploymentMemory implements DeploymentMemory {
  private readonly records = new Map<string, DeploymentRecord>();
  get(key: string): DeploymentRecord | undefined {
    return this.records.get(key);
  }
  set(key: string, record: DeploymentRecord): void {
    this.records.set(key, record);
  }
}

export function deploymentKey(endpoint: string, deployment: string): string {
  return `${endpoint.toLowerCase()}|${deployment}`;
}

/**
 * Given the model's name, optional: discovery (Azure Resource Manager) knows the model behind a
 * deployment name; the lead wires it. Returns undefined when it does not know.
 */
export type ModelHint = (endpoint: string, deployment: string) => string | undefined;

const reasoningDefaults = {
  chatCompletions: true,
  instructionsRole: 'developer',
  maxTokensParameter: 'max_completion_tokens',
  temperature: false,
  reasoningSummary: true,
} as const;

const chatDefaults = {
  api: 'chat',
  chatCompletions: true,
  instructionsRole: 'system',
  maxTokensParameter: 'max_completion_tokens',
  temperature: true,
  reasoningEfforts: [],
  reasoningSummary: false,
} as const;

/** Family rules, first match wins. Context windows and output limits from Azure's model tables. */
const families: ReadonlyArray<{ readonly match: RegExp; readonly profile: Omit<ModelProfile, 'model'> }> = [
  // Responses-only: codex models and the -pro models.
  {
    match: /codex/,
    profile: { ...reasoningDefaults, api: 'responses', chatCompletions: false, reasoningEfforts: ['low', 'medium', 'high'], contextWindow: 400_000, maxOutputTokens: 128_000 },
  },
  {
    match: /^gpt-5(\.\d+)?-pro/,
    profile: { ...reasoningDefaults, api: 'responses', chatCompletions: false, reasoningEfforts: ['high'], contextWindow: 400_000, maxOutputTokens: 272_000 },
  },
  { match: /^o\d(-\w+)?-pro/, profile: { ...reasoningDefaults, api: 'responses', chatCompletions: false, reasoningEfforts: ['low', 'medium', 'high'], contextWindow: 200_000, maxOutputTokens: 100_000 } },
  // gpt-5-chat is not a reasoning model.
  { match: /^gpt-5(\.\d+)?-chat/, profile: { ...chatDefaults, contextWindow: 128_000, maxOutputTokens: 16_384 } },
  {
    match: /^gpt-5/,
    profile: { ...reasoningDefaults, api: 'responses', reasoningEfforts: ['minimal', 'low', 'medium', 'high'], contextWindow: 400_000, maxOutputTokens: 128_000 },
  },
  // The first o1 previews take neither system nor developer messages, nor reasoning effort.
  { match: /^o1-(mini|preview)/, profile: { ...reasoningDefaults, api: 'chat', instructionsRole: 'user', reasoningEfforts: [], reasoningSummary: false, contextWindow: 128_000, maxOutputTokens: 32_768 } },
  { match: /^o\d/, profile: { ...reasoningDefaults, api: 'responses', reasoningEfforts: ['low', 'medium', 'high'], contextWindow: 200_000, maxOutputTokens: 100_000 } },
  { match: /^gpt-4\.1/, profile: { ...chatDefaults, contextWindow: 1_047_576, maxOutputTokens: 32_768 } },
  { match: /^gpt-4o/, profile: { ...chatDefaults, contextWindow: 128_000, maxOutputTokens: 16_384 } },
  { match: /^gpt-4-?32k/, profile: { ...chatDefaults, contextWindow: 32_768, maxOutputTokens: 4_096 } },
  { match: /^gpt-4-(turbo|\d{4}-preview|vision)/, profile: { ...chatDefaults, contextWindow: 128_000, maxOutputTokens: 4_096 } },
  { match: /^gpt-4\b/, profile: { ...chatDefaults, contextWindow: 8_192, maxOutputTokens: 4_096 } },
  { match: /^gpt-3\.?5/, profile: { ...chatDefaults, contextWindow: 16_385, maxOutputTokens: 4_096 } },
];

/** An unknown model: chat completions with the widest-accepted parameters; refusals correct it. */
const unknownProfile: Omit<ModelProfile, 'model'> = { ...chatDefaults, contextWindow: 128_000, maxOutputTokens: 16_384 };

function normalizeModelName(name: string): string {
  // Azure spells gpt-3.5 as gpt-35; deployment names often carry a prefix such as "my-".
  return name.trim().toLowerCase().replace(/^gpt-35/, 'gpt-3.5');
}

function familyOf(name: string | undefined): Omit<ModelProfile, 'model'> | undefined {
  if (!name) {
    return undefined;
  }
  const normalized = normalizeModelName(name);
  return families.find((family) => family.match.test(normalized))?.profile;
}

/**
 * The profile for a deployment: the best-known model's family, then what the service taught.
 * `candidates` are model names in order of trust (reported, hinted, deployment name).
 */
export function resolveProfile(candidates: ReadonlyArray<string | undefined>, learned: LearnedProfile | undefined): ModelProfile {
  let model: string | undefined;
  let base: Omit<ModelProfile, 'model'> | undefined;
  for (const candidate of candidates) {
    base = familyOf(candidate);
    if (base) {
      model = candidate;
      break;
    }
  }
  const profile: ModelProfile = { model: model ?? candidates.find(Boolean), ...(base ?? unknownProfile) };
  if (!learned) {
    return profile;
  }
  const { reportedModel: _reported, responsesUnavailable, ...overrides } = learned;
  const merged: ModelProfile = { ...profile, ...overrides };
  // A gateway without a Responses route: reasoning models still answer on chat completions.
  return responsesUnavailable && merged.api === 'responses' && merged.chatCompletions ? { ...merged, api: 'chat', reasoningSummary: false } : merged;
}

/** The effort to send: the user's choice when the model takes it, else none (the service's default). */
export function effectiveEffort(profile: ModelProfile, chosen: ReasoningEffort | undefined): ReasoningEffort | undefined {
  return chosen && profile.reasoningEfforts.includes(chosen) ? chosen : undefined;
}
