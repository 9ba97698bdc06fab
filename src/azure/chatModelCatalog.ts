import type { ModelProfile } from './modelProfiles';

/** A deployment someone may want to talk to: the configured one, or one discovery found. */
export interface DeploymentTarget {
  /** The resource URL, e.g. https://contoso.openai.azure.com (no trailing slash needed). */
  readonly endpoint: string;
  readonly deployment: string;
  /** The model behind it, when known (discovery knows it; the configured deployment may not). */
  readonly model?: string;
  readonly modelVersion?: string;
  /** Resource Manager's `properties.capabilities` of the deployment, e.g. { chatCompletion: 'true' }. */
  readonly capabilities?: Readonly<Record<string, string>>;
}

/**
 * How a deployment shows up as a chat model (the shape of VS Code's LanguageModelChatInformation,
 * without importing vscode), plus the target it stands for.
 */
export interface ChatModelDescription {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly detail: string;
  readonly tooltip: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: { readonly toolCalling: boolean; readonly imageInput: boolean };
  readonly target: DeploymentTarget;
}

export function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

/** One key per deployment of a resource: the same deployment found twice is listed once. */
export function targetKey(target: Pick<DeploymentTarget, 'endpoint' | 'deployment'>): string {
  return `${hostOf(target.endpoint).toLowerCase()}/${target.deployment}`;
}

/** Deployments that cannot chat (embeddings, images, speech) are not offered as chat models. */
export function canChat(target: DeploymentTarget): boolean {
  const capabilities = target.capabilities;
  if (capabilities && Object.keys(capabilities).length > 0 && capabilities.chatCompletion !== 'true' && capabilities.responses !== 'true') {
    return false;
  }
  return !/embedding|dall-e|gpt-image|whisper|tts|sora|transcribe/i.test(target.model ?? target.deployment);
}

/** The family without a date suffix: gpt-4o-mini-2024-07-18 is of family gpt-4o-mini. */
function familyName(model: string): string {
  return model.toLowerCase().replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

/** The first o1 previews take no tools and no images; every later chat model here takes tools. */
function takesTools(family: string): boolean {
  return !/^o1-(mini|preview)/.test(family);
}

function takesImages(family: string): boolean {
  return /^(gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|o1$|o1-20|o3|o4)/.test(family) && !/^o3-mini/.test(family);
}

/**
 * The chat model for a deployment and what is known about its model. `imageInput` is offered
 * only when the caller can send images (`acceptsImages`): a model that may see images but is
 * never handed them would answer about a picture it did not get.
 */
export function describeChatModel(target: DeploymentTarget, profile: ModelProfile, acceptsImages: boolean): ChatModelDescription {
  const model = target.model ?? profile.model ?? target.deployment;
  const family = familyName(model);
  const host = hostOf(target.endpoint);
  const version = target.modelVersion ? `${family}-${target.modelVersion}` : model.toLowerCase();
  return {
    id: targetKey(target),
    name: target.deployment,
    family,
    version,
    detail: host,
    tooltip: `Azure OpenAI deployment "${target.deployment}" on ${host}${family !== target.deployment.toLowerCase() ? ` (${family})` : ''}`,
    // The context window holds the prompt and the answer; keep room for a full answer.
    maxInputTokens: Math.max(1, profile.contextWindow - profile.maxOutputTokens),
    maxOutputTokens: profile.maxOutputTokens,
    capabilities: { toolCalling: takesTools(family), imageInput: acceptsImages && takesImages(family) },
    target,
  };
}
