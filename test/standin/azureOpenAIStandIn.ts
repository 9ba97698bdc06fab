// A loopback imitation of an Azure OpenAI resource (optionally behind API Management), faithful
// enough that the real `openai` SDK and the extension cannot tell it from Azure for chat
// completions: same paths, auth decisions, error bodies, headers and SSE framing. See
// DEVELOPERS.md, "The Azure OpenAI stand-in".

import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  approximateTokens,
  chatCompletion,
  type CompletionIdentity,
  deploymentNotFound,
  FILTERED_COMPLETION_FILTER,
  type FilterResults,
  mergeFilter,
  invalidRequest,
  type JsonErrorReply,
  permissionDenied,
  promptContentFiltered,
  rateLimited,
  resourceNotFound,
  SAFE_COMPLETION_FILTER,
  SAFE_PROMPT_FILTER,
  type Usage,
} from './azureResponses';
import { type Admission, PromptCache, quotaFor, RateWindow, UNMETERED } from './deploymentLimits';
import {
  isDatedApiVersionBefore,
  lookUpModel,
  modelNeedsNewerApiVersion,
  operationNotSupported,
  promptTokens as countPromptTokens,
  refuseChatBody,
  refuseResponsesBody,
  RESPONSES_MIN_API_VERSION,
  responsesNeedNewerApiVersion,
  type StandInModel,
} from './modelRules';
import { type ResponsesContentFilter, ResponsesFrames, type ResponsesUsage } from './responsesFrames';
import { ResponseWriter } from './responseWriter';
import { type ChatMessageLike, defaultAnswer, readMessages, type Scenario, type ScriptedToolCall, splitBySize, splitWords } from './scenario';
import { DONE_FRAME, SseFrames, type StreamFilters } from './sseFrames';
import { type ApimOptions, authenticate, type AuthOptions } from './standInAuth';
import type { StandInJwtPayload } from './tokens';
import { closeServer, listenOnLoopback, loopbackUrl } from './loopbackServer';

export type { ApimOptions } from './standInAuth';
export type { Scenario, ScriptedError } from './scenario';

export const DEFAULT_AUDIENCE = 'https://cognitiveservices.azure.com';
export const DEFAULT_DEPLOYMENT = 'gpt-4o-mini';
export const DEFAULT_MODEL = 'gpt-4o-mini-2024-07-18';

export interface StandInOptions {
  /** Default 0 (any free port). */
  port?: number;
  /**
   * Deployments that exist (default ['gpt-4o-mini']): a name serves `model`; an object names the
   * model it serves (see modelRules.ts), and may shrink its context window for tests.
   */
  deployments?: DeploymentSpec[];
  /** The model version reported in completions (default gpt-4o-mini-2024-07-18). */
  model?: string;
  /** The accepted `api-key`; undefined refuses every api-key. */
  apiKey?: string;
  /** Accept any non-empty `api-key`. */
  acceptAnyApiKey?: boolean;
  /** The audience bearer tokens must carry (default https://cognitiveservices.azure.com). */
  audience?: string;
  /** Put the resource behind an APIM gateway with these checks. */
  apim?: ApimOptions;
  /** Principals (token `oid`) without a data-plane role: their requests get PermissionDenied. */
  deniedObjectIds?: string[];
  /** Status of PermissionDenied (Azure has been seen answering 401; default 401). */
  permissionDeniedStatus?: 401 | 403;
  /** api-version values served; default any YYYY-MM-DD or YYYY-MM-DD-preview. */
  apiVersions?: string[];
  /** Default chunk size for scripted `text` (default: word by word). */
  chunkSize?: number;
  /** The behaviour when no scenario is queued (default: the prompt-derived answer). */
  defaultScenario?: Scenario;
  /**
   * Called as each streamed content chunk is handed to the response, with the time as epoch ms
   * (`performance.timeOrigin + performance.now()`, comparable with a browser page's same clock).
   * With `delayMs > 0` the frame reaches the socket in that same turn (flushed before the pause);
   * without a delay frames are coalesced and may reach it later. The benchmark times latency with it.
   */
  onChunkWritten?: (index: number, text: string, timeMs: number) => void;
}

/**
 * A deployment: a name serving the stand-in's default model, or an object naming its model. A
 * quota (`tokensPerMinute`, `requestsPerMinute` defaulting to 6 per 1,000 TPM) is enforced as a
 * Standard deployment's (deploymentLimits.ts); without one the headers report a large quota.
 */
export type DeploymentSpec = string | { name: string; model: string; contextWindow?: number; tokensPerMinute?: number; requestsPerMinute?: number };

interface ServedDeployment {
  model: StandInModel;
  contextWindow: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when it was empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** The deployment named in the path (dated chat completions) or as `model` in the body. */
  deployment?: string;
  /** Which API the path is, when it is one. */
  api?: 'chat' | 'responses';
  /** True for the versionless /openai/v1/ paths. */
  v1?: boolean;
  /** How the caller was authenticated, when it was. */
  auth?: 'apiKey' | 'bearer' | 'apim';
  token?: StandInJwtPayload;
  /** The status sent; set when the connection closes, and only if a response head was sent. */
  status?: number;
  /** True when the connection closed before the response was complete (client abort, drop). */
  closedEarly: boolean;
  /** Resolves when the response finished or the connection closed; closedEarly is final then. */
  completed: Promise<void>;
}

interface ResolvedOptions extends AuthOptions {
  deployments: DeploymentSpec[];
  model: string;
  deniedObjectIds: string[];
  permissionDeniedStatus: 401 | 403;
  apiVersions?: string[];
  chunkSize?: number;
  onChunkWritten?: StandInOptions['onChunkWritten'];
}

const CHAT_COMPLETIONS_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions\/?$/;
const DATED_RESPONSES_PATH = /^\/openai\/responses\/?$/;
const V1_CHAT_COMPLETIONS_PATH = /^\/openai\/v1\/chat\/completions\/?$/;
const V1_RESPONSES_PATH = /^\/openai\/v1\/responses\/?$/;
/** The v1 API takes no dated version; `preview` and `latest` opt into preview features. */
const V1_API_VERSIONS = new Set(['preview', 'latest']);
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

export class AzureOpenAIStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Bearer tokens accepted (resource mode) or validated (APIM validate-jwt). */
  tokensAccepted = 0;

  private readonly queue: Scenario[] = [];
  private defaultScenario: Scenario;
  private readonly waiters: Array<() => void> = [];
  private readonly windows = new Map<string, RateWindow>();
  private readonly caches = new Map<string, PromptCache>();

  private constructor(
    private readonly server: Server,
    private readonly options: ResolvedOptions,
    private readonly initialDefault: Scenario,
  ) {
    this.defaultScenario = initialDefault;
  }

  static async start(options: StandInOptions = {}): Promise<AzureOpenAIStandIn> {
    const resolved: ResolvedOptions = {
      apiKey: options.apiKey,
      acceptAnyApiKey: options.acceptAnyApiKey ?? false,
      audience: options.audience ?? DEFAULT_AUDIENCE,
      apim: options.apim,
      deployments: options.deployments ?? [DEFAULT_DEPLOYMENT],
      model: options.model ?? DEFAULT_MODEL,
      deniedObjectIds: options.deniedObjectIds ?? [],
      permissionDeniedStatus: options.permissionDeniedStatus ?? 401,
      apiVersions: options.apiVersions,
      chunkSize: options.chunkSize,
      onChunkWritten: options.onChunkWritten,
    };
    // requestTimeout 0: a stalled stream must stay open as long as the client waits.
    const server = createServer({ requestTimeout: 0 });
    const standIn = new AzureOpenAIStandIn(server, resolved, options.defaultScenario ?? {});
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      standIn.handle(req, res).catch((error: unknown) => {
        // A bug in the stand-in must show up as a failing request, not a hang.
        if (!res.headersSent) {sendJson(res, { status: 500, body: { error: { code: 'StandInError', message: String(error) } } });}
        else {res.destroy();}
      });
    });
    await listenOnLoopback(server, options.port);
    return standIn;
  }

  /** The resource URL to configure, e.g. http://127.0.0.1:PORT (no trailing slash). */
  get endpoint(): string {
    return loopbackUrl(this.server);
  }

  get deployments(): readonly string[] {
    return this.options.deployments.map((spec) => (typeof spec === 'string' ? spec : spec.name));
  }

  private served(name: string): ServedDeployment | undefined {
    const spec = this.options.deployments.find((candidate) => (typeof candidate === 'string' ? candidate : candidate.name) === name);
    if (spec === undefined) {
      return undefined;
    }
    const model = lookUpModel(typeof spec === 'string' ? this.options.model : spec.model);
    return { model, contextWindow: (typeof spec === 'string' ? undefined : spec.contextWindow) ?? model.contextWindow };
  }

  /** Queues the behaviour of the next chat completion that passes auth and routing (FIFO). */
  enqueue(...scenarios: Scenario[]): void {
    this.queue.push(...scenarios);
  }

  /** The behaviour when the queue is empty. */
  setDefault(scenario: Scenario): void {
    this.defaultScenario = scenario;
  }

  /** Changes auth and deployment settings of a running stand-in. */
  configure(changes: Partial<Pick<StandInOptions, 'apiKey' | 'acceptAnyApiKey' | 'audience' | 'apim' | 'deployments' | 'deniedObjectIds' | 'permissionDeniedStatus' | 'chunkSize'>>): void {
    Object.assign(this.options, changes);
  }

  /** Forgets recorded requests, queued scenarios and counters; restores the initial default. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.tokensAccepted = 0;
    this.defaultScenario = this.initialDefault;
    this.windows.clear();
    this.caches.clear();
  }

  /** Resolves once at least `count` requests have arrived (since the last reset). */
  async waitForRequests(count: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {throw new Error(`Stand-in saw ${this.requests.length} request(s), expected ${count}`);}
      // ref: false, so a test that got its requests does not keep the process alive for the timeout.
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), sleep(remaining, undefined, { ref: false })]);
    }
    return this.requests.slice(0, count);
  }

  /** Stops listening and cuts every connection, stalled streams included. */
  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const record = this.record(req, res, url, rawBody);
    if (req.socket.destroyed) {return;} // the client left while sending the body; record() saw it
    res.setHeader('apim-request-id', randomUUID());
    res.setHeader('x-request-id', randomUUID());
    res.setHeader('x-ms-region', 'Stand-in Local');
    res.setHeader('x-content-type-options', 'nosniff');

    const v1 = V1_CHAT_COMPLETIONS_PATH.test(url.pathname) || V1_RESPONSES_PATH.test(url.pathname);
    const auth = authenticate(this.options, req.headers as Record<string, string | undefined>, record.query, v1);
    if (!auth.ok) {return sendJson(res, auth.reply);}
    record.auth = auth.kind;
    record.token = auth.token;
    if (auth.token) {this.tokensAccepted++;}

    const datedChat = CHAT_COMPLETIONS_PATH.exec(url.pathname);
    const api = datedChat || V1_CHAT_COMPLETIONS_PATH.test(url.pathname) ? 'chat' : DATED_RESPONSES_PATH.test(url.pathname) || v1 ? 'responses' : undefined;
    if (!api || req.method !== 'POST') {return sendJson(res, resourceNotFound());}
    record.api = api;
    record.v1 = v1;
    const apiVersion = record.query['api-version'];
    if (v1 ? apiVersion !== undefined && !V1_API_VERSIONS.has(apiVersion) : !apiVersion || !this.servesApiVersion(apiVersion)) {return sendJson(res, resourceNotFound());}
    if (auth.kind === 'bearer' && auth.token?.oid && this.options.deniedObjectIds.includes(auth.token.oid)) {
      return sendJson(res, permissionDenied(auth.token.oid, this.options.permissionDeniedStatus));
    }
    if (!datedChat && record.body === undefined) {return sendJson(res, invalidRequest('We could not parse the JSON body of your request.', null, null));}
    // Dated chat completions name the deployment in the path; every other route as `model`.
    const named = datedChat ? decodeURIComponent(datedChat[1]) : (record.body as { model?: unknown }).model;
    if (typeof named !== 'string' || !named) {return sendJson(res, invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'));}
    const deployment = named;
    record.deployment = deployment;
    const served = this.served(deployment);
    if (!served) {return sendJson(res, deploymentNotFound());}
    if (record.body === undefined) {return sendJson(res, invalidRequest('We could not parse the JSON body of your request.', null, null));}
    const { model } = served;
    const dated = v1 ? undefined : apiVersion;

    if (api === 'responses') {
      if (dated && isDatedApiVersionBefore(dated, RESPONSES_MIN_API_VERSION)) {return sendJson(res, responsesNeedNewerApiVersion());}
      const body = record.body as ResponsesRequestBody;
      const input = readResponsesInput(body.input);
      if (input.length === 0) {return sendJson(res, invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter'));}
      const instructions = typeof body.instructions === 'string' ? body.instructions : '';
      const refusal = refuseResponsesBody(model, body, input, instructions, served.contextWindow);
      if (refusal) {return sendJson(res, refusal);}
      const scenario = this.queue.shift() ?? this.defaultScenario;
      await this.answerResponses(res, scenario, deployment, served, body, input, instructions);
      return;
    }

    if (dated && model.minApiVersion && isDatedApiVersionBefore(dated, model.minApiVersion)) {return sendJson(res, modelNeedsNewerApiVersion(model));}
    if (!model.chatCompletions) {return sendJson(res, operationNotSupported('chatCompletion', model));}
    const messages = readMessages(record.body);
    if (messages.length === 0) {return sendJson(res, invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter'));}
    const refusal = refuseChatBody(model, record.body as Parameters<typeof refuseChatBody>[1], messages, served.contextWindow);
    if (refusal) {return sendJson(res, refusal);}

    const orphan = orphanToolMessage(record.body);
    if (orphan !== undefined) {
      return sendJson(res, invalidRequest("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${orphan}].role`, null));
    }

    const scenario = this.queue.shift() ?? this.defaultScenario;
    await this.answer(res, scenario, deployment, apiVersion ?? 'v1', record.body as ChatRequestBody, served);
  }

  private async answer(res: ServerResponse, scenario: Scenario, deployment: string, apiVersion: string, body: ChatRequestBody, served: ServedDeployment): Promise<void> {
    const writer = new ResponseWriter(res);
    if (!(await writer.pause(scenario.firstChunkDelayMs ?? 0))) {return;}
    if (scenario.error) {return sendJson(res, scenario.error);}
    if (scenario.rateLimit) {return sendJson(res, scriptedRateLimit(scenario.rateLimit, apiVersion, 'ChatCompletions_Create'));}
    if (scenario.promptContentFilter) {return sendJson(res, promptContentFiltered(scenario.promptContentFilter === true ? undefined : scenario.promptContentFilter));}

    const messages = readMessages(body);
    const admission = this.admit(deployment, countPromptTokens(messages) + Number(body.max_completion_tokens ?? body.max_tokens ?? 0));
    if (!admission.ok) {return sendJson(res, quotaExceeded(admission, apiVersion, 'ChatCompletions_Create'));}
    const cachedTokens = scenario.cachedTokens ?? this.cachedTokens(deployment, messages);
    const planned = this.plan(scenario, messages, deployment);
    const identity: CompletionIdentity = {
      id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
      created: Math.floor(Date.now() / 1000),
      model: served.model.name,
      systemFingerprint: `fp_${randomBytes(5).toString('hex')}`,
    };
    const promptTokens = countPromptTokens(messages);
    const reasoningTokens = served.model.reasoning ? 64 : 0;
    setRemaining(res, admission);
    if (body.stream === true) {
      await this.stream(res, writer, scenario, planned, identity, promptTokens, body.stream_options?.include_usage === true, reasoningTokens, cachedTokens);
    } else {
      await this.respondWhole(res, writer, scenario, planned.chunks, identity, promptTokens, cachedTokens);
    }
  }

  /** A Responses API answer, streamed as its documented event sequence (responsesFrames.ts). */
  private async answerResponses(
    res: ServerResponse,
    scenario: Scenario,
    deployment: string,
    served: ServedDeployment,
    body: ResponsesRequestBody,
    input: ChatMessageLike[],
    instructions: string,
  ): Promise<void> {
    const writer = new ResponseWriter(res);
    if (!(await writer.pause(scenario.firstChunkDelayMs ?? 0))) {return;}
    if (scenario.error) {return sendJson(res, scenario.error);}
    if (scenario.rateLimit) {return sendJson(res, scriptedRateLimit(scenario.rateLimit, 'v1', 'Responses_Create'));}
    if (scenario.promptContentFilter) {return sendJson(res, promptContentFiltered(scenario.promptContentFilter === true ? undefined : scenario.promptContentFilter));}
    if (body.stream !== true) {
      return sendJson(res, invalidRequest('The stand-in serves the Responses API streamed only.', 'stream', null));
    }
    const messages: ChatMessageLike[] = instructions ? [{ role: 'system', content: instructions }, ...input] : input;
    const admission = this.admit(deployment, countPromptTokens(input, instructions) + Number(body.max_output_tokens ?? 0));
    if (!admission.ok) {return sendJson(res, quotaExceeded(admission, 'v1', 'Responses_Create'));}
    const cachedTokens = scenario.cachedTokens ?? this.cachedTokens(deployment, messages);
    const planned = this.plan(scenario, messages, deployment);
    const wantsSummary = served.model.reasoning && typeof body.reasoning?.summary === 'string';
    const summary = wantsSummary ? (scenario.reasoning ?? defaultReasoningSummary(input)) : undefined;
    const frames = new ResponsesFrames(served.model.name, {
      instructions: instructions || null,
      reasoning: body.reasoning ?? null,
      max_output_tokens: body.max_output_tokens,
      store: body.store !== false,
      encryptedReasoning: Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content'),
    });
    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, must-revalidate');
    setRemaining(res, admission);
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    if (!(await writer.write(frames.created()))) {return;}
    const { chunks, delayMs } = planned;
    if (summary !== undefined && summary !== '') {
      if (!(await writer.write(frames.reasoningStart()))) {return;}
      for (const piece of splitWords(summary)) {
        if (delayMs > 0 && (!(await writer.flush()) || !(await writer.pause(delayMs)))) {return;}
        if (!(await writer.write(frames.summaryDelta(piece)))) {return;}
      }
      if (!(await writer.write(frames.reasoningEnd(summary)))) {return;}
    }
    if (!(await writer.write(frames.messageStart()))) {return;}
    const sent = await this.writeText(writer, chunks, delayMs, scenario, (text) => frames.textDelta(text));
    if (sent === undefined || (await this.endedByFault(writer, scenario))) {return;}
    if (delayMs > 0 && !(await writer.flush())) {return;}
    const usage: ResponsesUsage = {
      input_tokens: countPromptTokens(input, instructions),
      output_tokens: approximateTokens(sent) + (served.model.reasoning ? 64 : 0),
      reasoning_tokens: served.model.reasoning ? 64 : 0,
    };
    usage.cached_tokens = Math.min(cachedTokens, usage.input_tokens);
    const filters = responsesContentFilters(scenario, sent);
    const end =
      scenario.contentFilterAfterChunks !== undefined
        ? frames.incomplete(sent, summary, usage, 'content_filter', filters)
        : scenario.finishReason === 'length'
          ? frames.incomplete(sent, summary, usage, 'max_output_tokens', filters)
          : frames.messageEnd(sent) +
            (scenario.toolCalls ?? []).map((call) => frames.toolCall(frames.nextOutputIndex, call.id ?? `call_${randomBytes(12).toString('hex')}`, call.name, splitBySize(call.arguments, scenario.toolArgumentsChunkSize ?? 10))).join('') +
            frames.completed(sent, summary, usage, filters);
    if (!(await writer.write(end))) {return;}
    await writer.end();
  }

  private plan(scenario: Scenario, messages: ChatMessageLike[], deployment: string): { chunks: string[]; delayMs: number } {
    const chunkSize = scenario.chunkSize ?? this.options.chunkSize;
    const split = (text: string): string[] => (chunkSize ? splitBySize(text, chunkSize) : splitWords(text));
    if (scenario.chunks) {return { chunks: scenario.chunks, delayMs: scenario.delayMs ?? 0 };}
    if (scenario.text === undefined && scenario.toolCalls?.length) {return { chunks: [], delayMs: scenario.delayMs ?? 0 };}
    if (scenario.text !== undefined) {return { chunks: split(scenario.text), delayMs: scenario.delayMs ?? 0 };}
    const planned = defaultAnswer(messages, deployment);
    if (chunkSize) {planned.chunks = split(planned.chunks.join(''));}
    return { chunks: planned.chunks, delayMs: scenario.delayMs ?? planned.delayMs };
  }

  private async stream(
    res: ServerResponse,
    writer: ResponseWriter,
    scenario: Scenario,
    planned: { chunks: string[]; delayMs: number },
    identity: CompletionIdentity,
    promptTokens: number,
    includeUsage: boolean,
    reasoningTokens = 0,
    cachedTokens = 0,
  ): Promise<void> {
    const frames = new SseFrames(identity, streamFilters(scenario));
    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, must-revalidate');
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    const { chunks, delayMs } = planned;
    // An answer that starts with a tool call names the role in the call's first delta instead.
    const startsWithToolCall = chunks.length === 0 && (scenario.toolCalls?.length ?? 0) > 0;
    if (!(await writer.write(frames.promptFilter())) || (!startsWithToolCall && !(await writer.write(frames.role())))) {return;}

    const sent = await this.writeText(writer, chunks, delayMs, scenario, (text) => frames.content(text));
    if (sent === undefined || (await this.endedByFault(writer, scenario))) {return;}
    if (delayMs > 0 && !(await writer.flush())) {return;}
    const filtered = scenario.contentFilterAfterChunks !== undefined;
    const toolCalls = filtered ? [] : (scenario.toolCalls ?? []);
    if (!(await this.streamToolCalls(writer, frames, scenario, toolCalls, delayMs, startsWithToolCall))) {return;}
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : (scenario.finishReason ?? 'stop');
    if (!(await writer.write(filtered ? frames.contentFiltered() : frames.finish(finishReason)))) {return;}
    if (includeUsage && !(await writer.write(frames.usage(usage(promptTokens, sent, reasoningTokens, cachedTokens))))) {return;}
    if (!(await writer.write(DONE_FRAME))) {return;}
    await writer.end();
  }

  /**
   * The answer's text pieces at the scenario's pace, each framed for its wire API, up to where a
   * fault scenario stops the text; the bench hears of every piece written. The text sent, or
   * undefined when the client left.
   */
  private async writeText(writer: ResponseWriter, chunks: readonly string[], delayMs: number, scenario: Scenario, frame: (text: string) => string): Promise<string | undefined> {
    const stopAt = firstDefined(scenario.contentFilterAfterChunks, scenario.dropAfterChunks, scenario.stallAfterChunks);
    const count = stopAt === undefined ? chunks.length : Math.min(stopAt, chunks.length);
    let sent = '';
    for (let i = 0; i < count; i++) {
      const piece = chunks[i] as string;
      if (delayMs > 0 && i > 0 && (!(await writer.flush()) || !(await writer.pause(delayMs)))) {return undefined;}
      if (!(await writer.write(frame(piece)))) {return undefined;}
      sent += piece;
      this.options.onChunkWritten?.(i, piece, performance.timeOrigin + performance.now());
    }
    return sent;
  }

  /** Ends the stream the way a fault scenario asks (dropped, stalled, no end marker); false for none. */
  private async endedByFault(writer: ResponseWriter, scenario: Scenario): Promise<boolean> {
    if (scenario.dropAfterChunks !== undefined) {
      await writer.drop();
    } else if (scenario.stallAfterChunks !== undefined) {
      await writer.flush();
      await writer.closed; // until the client gives up or the stand-in closes
    } else if (scenario.omitDone) {
      await writer.end();
    } else {
      return false;
    }
    return true;
  }

  /** The scenario's tool calls as `delta.tool_calls` pieces; false when the client left. */
  private async streamToolCalls(writer: ResponseWriter, frames: SseFrames, scenario: Scenario, calls: ScriptedToolCall[], delayMs: number, first: boolean): Promise<boolean> {
    const size = scenario.toolArgumentsChunkSize ?? 10;
    for (const [index, call] of calls.entries()) {
      if (!(await writer.write(frames.toolCallStart(index, call.id ?? `call_${randomBytes(12).toString('base64url')}`, call.name, first && index === 0)))) {return false;}
      for (const piece of splitBySize(call.arguments, size)) {
        if (delayMs > 0 && (!(await writer.flush()) || !(await writer.pause(delayMs)))) {return false;}
        if (!(await writer.write(frames.toolCallArguments(index, piece)))) {return false;}
      }
    }
    return true;
  }

  private async respondWhole(
    res: ServerResponse,
    writer: ResponseWriter,
    scenario: Scenario,
    chunks: string[],
    identity: CompletionIdentity,
    promptTokens: number,
    cachedTokens = 0,
  ): Promise<void> {
    if (scenario.dropAfterChunks !== undefined) {
      res.socket?.destroy();
      return;
    }
    if (scenario.stallAfterChunks !== undefined) {
      await writer.closed;
      return;
    }
    const filtered = scenario.contentFilterAfterChunks !== undefined;
    const content = (filtered ? chunks.slice(0, scenario.contentFilterAfterChunks) : chunks).join('');
    const finishReason = filtered ? 'content_filter' : (scenario.finishReason ?? 'stop');
    const filters = streamFilters(scenario);
    sendJson(res, {
      status: 200,
      body: chatCompletion(identity, content, finishReason, usage(promptTokens, content, 0, cachedTokens), { prompt: filters.prompt, completion: filtered ? filters.cut : filters.completion }),
    });
  }

  /** Charges the request to its deployment's minute (deploymentLimits.ts). */
  private admit(deployment: string, tokens: number): Admission {
    let window = this.windows.get(deployment);
    if (!window) {
      const spec = this.options.deployments.find((candidate) => typeof candidate !== 'string' && candidate.name === deployment);
      const quota = typeof spec === 'object' ? quotaFor(spec.tokensPerMinute, spec.requestsPerMinute) : undefined;
      window = new RateWindow(quota ?? UNMETERED, quota !== undefined);
      this.windows.set(deployment, window);
    }
    return window.admit(tokens);
  }

  /** Tokens of this prompt the deployment's prompt cache serves. */
  private cachedTokens(deployment: string, messages: ChatMessageLike[]): number {
    let cache = this.caches.get(deployment);
    if (!cache) {
      cache = new PromptCache();
      this.caches.set(deployment, cache);
    }
    return cache.lookUp(
      messages.map((message) => `${message.role}\n${message.content}`),
      (leading) => countPromptTokens(messages.slice(0, leading)),
    );
  }

  private servesApiVersion(apiVersion: string): boolean {
    return this.options.apiVersions ? this.options.apiVersions.includes(apiVersion) : API_VERSION.test(apiVersion);
  }

  private record(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) {headers[name] = Array.isArray(value) ? value.join(', ') : value;}
    }
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    let markCompleted: () => void = () => undefined;
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      rawBody,
      closedEarly: false,
      completed: new Promise<void>((resolve) => (markCompleted = resolve)),
    };
    const closed = (): void => {
      record.closedEarly = !res.writableFinished;
      if (res.headersSent) {record.status = res.statusCode;}
      markCompleted();
    };
    if (req.socket.destroyed) {closed();}
    else {res.once('close', closed);}
    this.requests.push(record);
    for (const wake of this.waiters.splice(0)) {wake();}
    return record;
  }
}

interface ChatRequestBody {
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}

function usage(promptTokens: number, completion: string, reasoningTokens = 0, cachedTokens = 0): Usage {
  const completionTokens = approximateTokens(completion) + reasoningTokens;
  return {
    completion_tokens: completionTokens,
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
    prompt_tokens_details: { cached_tokens: Math.min(cachedTokens, promptTokens) },
  };
}

function scriptedRateLimit(rateLimit: NonNullable<Scenario['rateLimit']>, apiVersion: string, operation: string): JsonErrorReply {
  const { retryAfterSeconds, retryAfterMs, limit } = rateLimit;
  return rateLimited(apiVersion, retryAfterSeconds, retryAfterMs === null ? undefined : (retryAfterMs ?? retryAfterSeconds * 1000), limit, operation, { requests: 12, tokens: 1_800 });
}

function quotaExceeded(admission: Extract<Admission, { ok: false }>, apiVersion: string, operation: string): JsonErrorReply {
  return rateLimited(apiVersion, admission.retryAfterMs / 1000, admission.retryAfterMs, admission.limit, operation, { requests: admission.remainingRequests, tokens: admission.remainingTokens });
}

function setRemaining(res: ServerResponse, admission: Extract<Admission, { ok: true }>): void {
  res.setHeader('x-ratelimit-remaining-requests', String(admission.remainingRequests));
  res.setHeader('x-ratelimit-remaining-tokens', String(admission.remainingTokens));
}

/** The chat completions stream's filter results for a scenario: annotations, and the verdict that cut the answer. */
function streamFilters(scenario: Scenario): StreamFilters {
  const prompt = scenario.promptFilter ? mergeFilter(SAFE_PROMPT_FILTER, scenario.promptFilter) : undefined;
  if (scenario.contentFilterAfterChunks !== undefined) {
    return { ...(prompt ? { prompt } : {}), cut: scenario.completionFilter ? mergeFilter(SAFE_COMPLETION_FILTER, scenario.completionFilter) : FILTERED_COMPLETION_FILTER };
  }
  return { ...(prompt ? { prompt } : {}), ...(scenario.completionFilter ? { completion: mergeFilter(SAFE_COMPLETION_FILTER, scenario.completionFilter) } : {}) };
}

/** The Responses API's `content_filters`: one entry for the prompt and one for the answer. */
function responsesContentFilters(scenario: Scenario, sent: string): ResponsesContentFilter[] {
  const { prompt, completion, cut } = streamFilters(scenario);
  const completionResults: FilterResults = cut ?? completion ?? SAFE_COMPLETION_FILTER;
  return [
    { blocked: false, source_type: 'prompt', content_filter_results: prompt ?? SAFE_PROMPT_FILTER, content_filter_offsets: { start_offset: 0, end_offset: 0, check_offset: 0 } },
    { blocked: cut !== undefined, source_type: 'completion', content_filter_results: completionResults, content_filter_offsets: { start_offset: 0, end_offset: sent.length, check_offset: sent.length } },
  ];
}

interface ResponsesRequestBody {
  model?: unknown;
  input?: unknown;
  instructions?: unknown;
  stream?: unknown;
  store?: unknown;
  reasoning?: { effort?: unknown; summary?: unknown } | null;
  include?: unknown;
  max_output_tokens?: unknown;
  temperature?: unknown;
}

/** Responses `input`: a string, or items (messages with text or content parts; tool items carry no words). */
function readResponsesInput(input: unknown): ChatMessageLike[] {
  if (typeof input === 'string') {
    return input ? [{ role: 'user', content: input }] : [];
  }
  if (!Array.isArray(input)) {
    return [];
  }
  return readMessages({ messages: input.filter((item: unknown) => typeof item === 'object' && item !== null && 'role' in item) });
}

/** What a reasoning model's summary says when the scenario does not script one. */
function defaultReasoningSummary(input: ChatMessageLike[]): string {
  const question = [...input].reverse().find((m) => m.role === 'user')?.content ?? '';
  return `**Reading the question**\n\nThe user asks: "${question.slice(0, 60)}". I will answer directly and keep it short.`;
}

/** Index of a `tool` message whose tool_call_id no earlier assistant message called, as the service refuses it. */
function orphanToolMessage(body: unknown): number | undefined {
  const messages = (body as { messages?: unknown }).messages;
  const called = new Set<string>();
  for (const [index, message] of (Array.isArray(messages) ? messages : []).entries()) {
    const { role, tool_calls: calls, tool_call_id: answers } = (message ?? {}) as { role?: unknown; tool_calls?: unknown; tool_call_id?: unknown };
    if (role === 'assistant' && Array.isArray(calls)) {
      for (const call of calls) {
        called.add(String((call as { id?: unknown })?.id));
      }
    }
    if (role === 'tool' && (typeof answers !== 'string' || !called.has(answers))) {
      return index;
    }
  }
  return undefined;
}

function firstDefined(...values: Array<number | undefined>): number | undefined {
  return values.find((value) => value !== undefined);
}

function sendJson(res: ServerResponse, reply: JsonErrorReply): void {
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.statusCode = reply.status;
  res.setHeader('content-type', typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
  for (const [name, value] of Object.entries(reply.headers ?? {})) {res.setHeader(name, value);}
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

/** The body as far as it arrived: a client that leaves mid-body is recorded, not lost. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    const done = (): void => resolve(Buffer.concat(parts).toString('utf8'));
    req.on('end', done);
    req.on('close', done);
    req.on('error', done);
  });
}
