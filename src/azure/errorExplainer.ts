import { APIConnectionError, APIError } from 'openai';
import type { ProblemView } from '../common/protocol';
import type { CredentialSource } from '../auth/credential';
import { SignInRequiredError } from '../auth/credential';
import { redactSecrets } from '../logging/redact';
import { StreamStalledError } from './chatStream';
import { refusedRedirect, refusedRequest } from '../net/hardenedFetch';
import { ResponseFailedError } from './responsesWire';
import { failedResponseBody } from './responseBodies';
import { blockedPromptFindings, describeFindings } from './contentFilters';
import { describeRateLimit } from './rateLimits';

export interface ErrorContext {
  readonly endpoint: string;
  readonly deployment: string;
  readonly apiVersion: string;
  readonly tokenScope: string;
  readonly credentialSource: CredentialSource;
  readonly usedSubscriptionKey: boolean;
  /** A subscription key is stored but was not sent: the host is not a gateway the policy allows. */
  readonly subscriptionKeyWithheld?: boolean;
}

export interface ExplainedError {
  readonly problem: ProblemView;
  /** Status code, for the log line; undefined for network failures. */
  readonly status: number | undefined;
  /** The service rejected an Entra token: worth one retry with a fresh token. */
  readonly tokenRejected: boolean;
}

/** API Management's own error body, as its policies (validate-jwt, subscription check) write it. */
interface GatewayBody {
  readonly statusCode: number;
  readonly message: string;
}

function parseGatewayBody(text: string | undefined): GatewayBody | undefined {
  if (!text) {
    return undefined;
  }
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && 'statusCode' in body && 'message' in body && typeof body.message === 'string') {
      return { statusCode: Number(body.statusCode), message: body.message };
    }
  } catch {
    // Not JSON: not a gateway body.
  }
  return undefined;
}

function problem(title: string, detail: string, actions: ProblemView['actions']): ProblemView {
  return { title: redactSecrets(title), detail: redactSecrets(detail), actions };
}

/** Turns anything a chat request can throw into a short message and the buttons that fix it. */
export function explainChatError(error: unknown, context: ErrorContext): ExplainedError {
  const host = safeHost(context.endpoint);
  if (error instanceof SignInRequiredError) {
    return { status: undefined, tokenRejected: false, problem: problem('Your Microsoft sign-in has ended.', 'Sign in again, then retry; your question is kept.', ['signIn', 'retry']) };
  }
  if (error instanceof StreamStalledError) {
    return {
      status: undefined,
      tokenRejected: false,
      problem: problem(
        `The answer stopped arriving: nothing for ${error.seconds} seconds.`,
        'What arrived is kept. Retry to ask again; azureOpenAIChat.stallTimeoutSeconds sets how long to wait.',
        ['retry'],
      ),
    };
  }
  const redirect = refusedRedirect(error);
  if (redirect) {
    return {
      status: redirect.status,
      tokenRejected: false,
      problem: problem(
        `${host} answered with a redirect (${redirect.status}).`,
        `It points to ${redirect.to ?? 'another address'}. Redirects are never followed, so your key or sign-in and this conversation were not sent there. If the resource has moved, set azureOpenAIChat.endpoint to its new address; your question is kept.`,
        ['openSettings', 'retry'],
      ),
    };
  }
  const refused = refusedRequest(error);
  if (refused) {
    return {
      status: undefined,
      tokenRejected: false,
      problem: problem(`The request to ${host} was not sent.`, `${refused.message} Your question is kept.`, ['openSettings', 'diagnose']),
    };
  }
  if (error instanceof ResponseFailedError) {
    return {
      status: undefined,
      tokenRejected: false,
      problem: problem('Azure OpenAI could not finish the answer.', `${error.message} What arrived is kept; retry to ask again.`, ['retry', 'showLog']),
    };
  }
  if (error instanceof APIError && error.status !== undefined) {
    return { status: error.status, ...explainStatus(error, context, host) };
  }
  if (error instanceof APIConnectionError) {
    const cause = describeCause(error.cause);
    return {
      status: undefined,
      tokenRejected: false,
      problem: problem(`Could not reach ${host}.`, `${cause} Check azureOpenAIChat.endpoint, your network and proxy, then retry.`, ['retry', 'openSettings']),
    };
  }
  // The body stream failed after the headers arrived: the connection dropped mid-answer.
  if (error instanceof TypeError && /terminated|socket|network|fetch failed/i.test(error.message)) {
    return {
      status: undefined,
      tokenRejected: false,
      problem: problem('The connection closed in the middle of the answer.', 'What arrived is kept. Retry to ask again.', ['retry']),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: undefined, tokenRejected: false, problem: problem('The request failed.', message, ['retry', 'showLog']) };
}

function explainStatus(error: APIError, context: ErrorContext, host: string): Omit<ExplainedError, 'status'> {
  const status = error.status ?? 0;
  const gateway = parseGatewayBody(failedResponseBody(error.headers as Headers | undefined));
  // Azure OpenAI's own token check answers in the gateway shape too. It names an audience, but
  // that is the server's word: a hostile endpoint would name the one it wants a token for.
  const isServiceTokenCheck = gateway !== undefined && /audience is incorrect/i.test(gateway.message);
  if (gateway && !isServiceTokenCheck) {
    return explainGateway(status, gateway, context, host);
  }
  const serviceMessage = gateway?.message ?? readServiceMessage(error);
  const code = typeof error.code === 'string' ? error.code : undefined;
  const usesToken = context.credentialSource !== 'apiKey';

  // A principal without a data-plane role: Azure has answered this with 401 as well as 403.
  if (code === 'PermissionDenied' && (status === 401 || status === 403)) {
    return {
      tokenRejected: false,
      problem: problem(
        'Your account has no access to this Azure OpenAI resource.',
        "Ask an owner to grant you the 'Cognitive Services OpenAI User' role on the resource (it can take a few minutes to apply), then retry.",
        ['retry', 'showLog'],
      ),
    };
  }

  switch (status) {
    case 400:
      if (code === 'content_filter') {
        const findings = blockedPromptFindings(error.error);
        const attack = findings.some((finding) => finding.category === 'indirect_attack' && (finding.filtered || finding.detected));
        return {
          tokenRejected: false,
          problem: {
            ...problem(
              "Azure's content filter blocked this question.",
              `${findings.length ? `Flagged: ${describeFindings(findings.filter((finding) => finding.filtered).length ? findings.filter((finding) => finding.filtered) : findings)}. ` : ''}${
                attack ? 'The indirect attack was found in attached content: remove that file or selection. ' : ''
              }Rephrase it and send again; nothing was answered.`,
              ['retry'],
            ),
            filter: { source: 'prompt', findings },
          },
        };
      }
      return { tokenRejected: false, problem: explainModelRefusal(code, serviceMessage, context) ?? problem('Azure OpenAI rejected the request.', serviceMessage, ['retry', 'openSettings']) };
    case 401:
      if (!usesToken) {
        return {
          tokenRejected: false,
          problem: problem(`${host} rejected the API key.`, 'Set the key shown under "Keys and Endpoint" for this resource, or check the endpoint.', ['setApiKey', 'openSettings']),
        };
      }
      return {
        tokenRejected: true,
        problem: problem(
          `${host} rejected your Microsoft sign-in token.`,
          `It may have expired, or be for another audience or tenant; the token is requested for ${context.tokenScope}. Azure OpenAI takes https://cognitiveservices.azure.com/.default; check azureOpenAIChat.tokenScope and azureOpenAIChat.tenantId.`,
          ['signIn', 'openSettings', 'retry'],
        ),
      };
    case 403:
      return {
        tokenRejected: false,
        problem: problem(
          'Your account has no access to this Azure OpenAI resource.',
          /private endpoint|virtual network|firewall|public access/i.test(serviceMessage)
            ? `${serviceMessage} Connect from an allowed network or ask the resource's owner.`
            : usesToken
              ? "Ask an owner to grant you the 'Cognitive Services OpenAI User' role on the resource (it can take a few minutes to apply), then retry."
              : serviceMessage,
          ['retry', 'showLog'],
        ),
      };
    case 404:
      if (code === 'DeploymentNotFound') {
        return {
          tokenRejected: false,
          problem: problem(
            `There is no deployment named "${context.deployment}" on ${host}.`,
            'Set azureOpenAIChat.deployment to the name shown under Deployments in Azure AI Foundry (the deployment name, not the model name).',
            ['openSettings', 'retry'],
          ),
        };
      }
      return {
        tokenRejected: false,
        problem: problem(
          `Nothing answers at ${host} for this deployment and API version (404).`,
          context.apiVersion === 'v1'
            ? 'Check azureOpenAIChat.endpoint. A gateway that exposes only the older dated paths needs azureOpenAIChat.apiVersion set to a dated version such as 2024-10-21.'
            : `Check azureOpenAIChat.endpoint and azureOpenAIChat.apiVersion (now ${context.apiVersion}; v1 is recommended).`,
          ['openSettings', 'retry'],
        ),
      };
    case 429: {
      // Azure names the limit in the message: tokens per minute or requests per minute.
      const rateLimit = describeRateLimit(serviceMessage, error.headers as Headers | undefined);
      const wait = rateLimit.waitSeconds;
      const which =
        rateLimit.limit === 'tokens'
          ? `its tokens-per-minute limit (TPM)`
          : rateLimit.limit === 'requests'
            ? `its requests-per-minute limit (RPM)`
            : 'its rate limit';
      return {
        tokenRejected: false,
        problem: {
          ...problem(
            `Azure OpenAI is rate-limiting deployment "${context.deployment}": it reached ${which}.`,
            `${wait !== undefined ? `It asks to wait ${wait} seconds before trying again.` : 'It still refused after a few tries.'} Your question is kept; Retry sends it again.`,
            ['retry'],
          ),
          rateLimit,
        },
      };
    }
    default:
      return {
        tokenRejected: false,
        problem: problem(
          status >= 500 ? `Azure OpenAI had a problem (${status}).` : `Azure OpenAI answered ${status}.`,
          `${serviceMessage} Your question is kept; retry in a moment.`,
          ['retry', 'showLog'],
        ),
      };
  }
}

/** 400s about the model: a conversation too long for it, or an API version too old for it. */
function explainModelRefusal(code: string | undefined, serviceMessage: string, context: ErrorContext): ProblemView | undefined {
  if (code === 'context_length_exceeded' || /maximum context length|exceeds the context window/i.test(serviceMessage)) {
    return problem(
      "This conversation no longer fits the model's context window.",
      `${serviceMessage} Start a new chat; the chat already sends only the newest turns that fit, so the last question alone is too long, or the model's window is smaller than expected.`,
      ['newChat', 'retry'],
    );
  }
  const needs = /enabled only for api[- ]versions? (\S+) and later/i.exec(serviceMessage)?.[1];
  if (needs) {
    const responses = /Responses API/i.test(serviceMessage);
    return problem(
      responses
        ? `Deployment "${context.deployment}" answers only on the Responses API, which API version ${context.apiVersion} does not have.`
        : `Deployment "${context.deployment}" needs a newer API version than ${context.apiVersion}.`,
      `Azure said: "${serviceMessage}". Set azureOpenAIChat.apiVersion to v1 (recommended, serves every current model) or to ${needs} or later.`,
      ['openSettings', 'retry'],
    );
  }
  if (code === 'OperationNotSupported') {
    return problem(`Deployment "${context.deployment}" cannot answer a chat.`, `Azure said: "${serviceMessage}"`, ['openSettings', 'showLog']);
  }
  return undefined;
}

function explainGateway(status: number, body: GatewayBody, context: ErrorContext, host: string): Omit<ExplainedError, 'status'> {
  const said = `The gateway said: "${body.message}"`;
  if (status === 401 && /subscription key/i.test(body.message) && context.subscriptionKeyWithheld) {
    return {
      tokenRejected: false,
      problem: problem(
        `The gateway at ${host} asks for your API Management subscription key, which is not sent there.`,
        `${said}. The key goes only to *.azure-api.net gateways and hosts you trust: if ${host} is your gateway's custom domain, add it to azureOpenAIChat.trustedHosts in your user settings.`,
        ['openSettings', 'retry'],
      ),
    };
  }
  if (status === 401 && /subscription key/i.test(body.message)) {
    const missing = /missing/i.test(body.message);
    return {
      tokenRejected: false,
      problem: problem(
        missing ? `The API Management gateway at ${host} needs a subscription key.` : `The API Management gateway at ${host} rejected the subscription key.`,
        `${said}. Run "Azure OpenAI: Set API Management Subscription Key" with a key from the gateway's developer portal or subscription.`,
        ['setSubscriptionKey', 'retry'],
      ),
    };
  }
  if (status === 401) {
    return {
      tokenRejected: context.credentialSource !== 'apiKey',
      problem: problem(
        `The API Management gateway at ${host} rejected your sign-in token.`,
        `${said}. Its validate-jwt policy checks the token's audience: set azureOpenAIChat.tokenScope to the gateway's scope, usually api://<app-id>/.default (now ${context.tokenScope}).`,
        ['openSettings', 'signIn', 'retry'],
      ),
    };
  }
  if (status === 403) {
    return {
      tokenRejected: false,
      problem: problem(
        `The API Management gateway at ${host} refused the request.`,
        `${said}. Your token is valid but lacks a role or claim the gateway's policy requires, or your subscription does not include this API. Ask the gateway's owner.`,
        ['showLog', 'retry'],
      ),
    };
  }
  return { tokenRejected: false, problem: problem(`The API Management gateway at ${host} answered ${status}.`, `${said}.`, ['retry', 'showLog']) };
}

function readServiceMessage(error: APIError): string {
  const inner = error.error as { message?: unknown } | undefined;
  if (inner && typeof inner.message === 'string') {
    return inner.message;
  }
  return error.message;
}

function describeCause(cause: unknown): string {
  const code = (cause as { code?: unknown; cause?: { code?: unknown } })?.code ?? (cause as { cause?: { code?: unknown } })?.cause?.code;
  switch (code) {
    case 'ENOTFOUND':
      return 'The host name does not resolve.';
    case 'ECONNREFUSED':
      return 'Nothing is listening there.';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'The connection timed out.';
    case 'CERT_HAS_EXPIRED':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'Its TLS certificate is not trusted.';
    default:
      return typeof code === 'string' ? `(${code})` : '';
  }
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
