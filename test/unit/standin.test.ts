// Proves the stand-ins are faithful enough to test against: the real `openai` SDK and the real
// @azure/identity talk to them and see what they would see from Azure. Several assertions also
// pin down SDK behaviour the extension must cope with (see the comments marked "SDK:").

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';

import { AzureCliCredential, ManagedIdentityCredential } from '@azure/identity';
import { AzureOpenAI, AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError } from 'openai';

import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { defaultAnswer } from '../standin/scenario';
import { applyToProcessEnv, isolatedAzureEnvironment } from '../standin/testEnvironment';
import {
  AZURE_CLI_APP_ID,
  decodeJwtPayload,
  makeStandInJwt,
  STANDIN_MANAGED_IDENTITY_CLIENT_ID,
  STANDIN_TENANT_ID,
  VSCODE_APP_ID,
} from '../standin/tokens';

const API_KEY = 'test-api-key';
const API_VERSION = '2024-10-21';
const DEPLOYMENT = 'gpt-4o-mini';
const AUDIENCE = 'https://cognitiveservices.azure.com';
const DENIED_OID = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const MESSAGES = [
  { role: 'system' as const, content: 'You are a terse test assistant.' },
  { role: 'user' as const, content: 'First question' },
  { role: 'assistant' as const, content: 'First answer' },
  { role: 'user' as const, content: 'What is 2 + 2?' },
];

type Client = InstanceType<typeof AzureOpenAI>;

function keyClient(standIn: AzureOpenAIStandIn, apiKey = API_KEY, deployment = DEPLOYMENT): Client {
  return new AzureOpenAI({ endpoint: standIn.endpoint, apiKey, apiVersion: API_VERSION, deployment, maxRetries: 0 });
}

function tokenClient(standIn: AzureOpenAIStandIn, token: () => Promise<string>): Client {
  return new AzureOpenAI({ endpoint: standIn.endpoint, azureADTokenProvider: token, apiVersion: API_VERSION, deployment: DEPLOYMENT, maxRetries: 0 });
}

async function streamText(client: Client, signal?: AbortSignal): Promise<{ text: string; finishReason?: string | null; chunks: number; emptyChoiceChunks: number }> {
  const stream = await client.chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES, stream: true }, { signal });
  let text = '';
  let finishReason: string | null | undefined;
  let chunks = 0;
  let emptyChoiceChunks = 0;
  for await (const chunk of stream) {
    chunks++;
    const choice = chunk.choices[0];
    if (!choice) {
      emptyChoiceChunks++;
      continue;
    }
    text += choice.delta.content ?? '';
    finishReason = choice.finish_reason ?? finishReason;
  }
  return { text, finishReason, chunks, emptyChoiceChunks };
}

/** POSTs like the SDK does, for assertions on the raw wire. */
function rawPost(standIn: AzureOpenAIStandIn, path: string, headers: Record<string, string>, body: unknown = { messages: MESSAGES }): Promise<Response> {
  return fetch(`${standIn.endpoint}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const CHAT_PATH = `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=${API_VERSION}`;

describe('stand-in tokens', () => {
  test('makeStandInJwt builds a v1 Entra-shaped token that decodes to the claims asked for', () => {
    const token = makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: 3600, appid: VSCODE_APP_ID, upn: 'a@b.example', roles: ['R'] });
    assert.equal(token.split('.').length, 3);
    const claims = decodeJwtPayload(token);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.iss, `https://sts.windows.net/${STANDIN_TENANT_ID}/`);
    assert.equal(claims.appid, VSCODE_APP_ID);
    assert.equal(claims.upn, 'a@b.example');
    assert.deepEqual(claims.roles, ['R']);
    assert.ok(claims.exp > Date.now() / 1000 + 3500 && claims.nbf <= claims.iat);
    const expired = decodeJwtPayload(makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: -60 }));
    assert.ok(expired.exp < Date.now() / 1000 && expired.nbf < expired.exp);
    assert.throws(() => decodeJwtPayload('not-a-jwt'));
  });

  test('the "slow" prompt streams 40 chunks 150 ms apart', () => {
    const slow = defaultAnswer([{ role: 'user', content: 'please be slow' }], DEPLOYMENT);
    assert.equal(slow.chunks.length, 40);
    assert.equal(slow.delayMs, 150);
  });
});

describe('Azure OpenAI stand-in, through the real openai SDK', () => {
  let standIn: AzureOpenAIStandIn;
  before(async () => {
    standIn = await AzureOpenAIStandIn.start({ apiKey: API_KEY, deniedObjectIds: [DENIED_OID] });
  });
  beforeEach(() => standIn.reset());
  after(() => standIn.close());

  test('a streamed answer assembles, and the whole conversation reached the server', async () => {
    const result = await streamText(keyClient(standIn));
    assert.match(result.text, /^You asked: What is 2 \+ 2\?\n/);
    assert.match(result.text, /- Turn: 2\n- Messages received: 4\n- System prompt: "You are a terse test assistant."/);
    assert.match(result.text, /```ts\n/);
    assert.equal(result.finishReason, 'stop');
    // SDK: Azure's metadata chunk (empty choices) is passed through to the caller.
    assert.equal(result.emptyChoiceChunks, 1);

    const [request] = standIn.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/openai/deployments/${DEPLOYMENT}/chat/completions`);
    assert.deepEqual(request.query, { 'api-version': API_VERSION });
    assert.equal(request.headers['api-key'], API_KEY);
    assert.equal(request.auth, 'apiKey');
    assert.deepEqual((request.body as { messages: unknown }).messages, MESSAGES);
    assert.equal((request.body as { stream: unknown }).stream, true);
    await request.completed;
    assert.equal(request.closedEarly, false);
    assert.equal(request.status, 200);
  });

  test("the wire carries Azure's framing: empty-choices first chunk, filter results, a finish chunk, [DONE]", async () => {
    standIn.enqueue({ chunks: ['Hel', 'lo'] });
    const response = await rawPost(standIn, CHAT_PATH, { 'api-key': API_KEY }, { messages: MESSAGES, stream: true });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.ok(response.headers.get('apim-request-id'));
    assert.ok(response.headers.get('x-request-id'));
    const raw = await response.text();
    assert.ok(raw.endsWith('data: [DONE]\n\n'));
    const frames = raw.split('\n\n').filter(Boolean);
    assert.ok(frames.every((frame) => frame.startsWith('data: ')));
    const events = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice('data: '.length)));
    assert.deepEqual(events[0].choices, []);
    assert.equal(events[0].id, '');
    assert.equal(events[0].prompt_filter_results[0].content_filter_results.hate.severity, 'safe');
    assert.deepEqual(events[1].choices[0].delta, { content: '', refusal: null, role: 'assistant' });
    assert.deepEqual(events.slice(2, 4).map((e) => e.choices[0].delta.content), ['Hel', 'lo']);
    assert.equal(events[2].object, 'chat.completion.chunk');
    assert.match(events[2].id, /^chatcmpl-/);
    assert.equal(events[2].choices[0].content_filter_results.violence.filtered, false);
    assert.equal(events[4].choices[0].finish_reason, 'stop');
    assert.deepEqual(events[4].choices[0].delta, {});
    assert.equal(events.length, 5);
  });

  test('a non-streamed request gets a chat.completion with prompt filter results and usage', async () => {
    standIn.enqueue({ text: 'Four.' });
    const completion = await keyClient(standIn).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.content, 'Four.');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.ok(completion.usage && completion.usage.total_tokens > 0);
    assert.ok((completion as unknown as { prompt_filter_results: unknown[] }).prompt_filter_results.length === 1);
  });

  test("api-key: the right key passes; a wrong key is a 401 AuthenticationError with Azure's message", async () => {
    await keyClient(standIn).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES });
    const error = await keyClient(standIn, 'wrong-key').chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES }).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.code, '401');
    assert.match(error.message, /^401 Access denied due to invalid subscription key or wrong API endpoint/);
    assert.ok(error.requestID, 'x-request-id reaches the error');
  });

  test('bearer: a token for the audience passes; expired or wrong-audience tokens are 401 with no error object', async () => {
    const good = await streamText(tokenClient(standIn, async () => makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: 3600 })));
    assert.match(good.text, /^You asked/);
    assert.equal(standIn.tokensAccepted, 1);
    assert.equal(standIn.requests[0].auth, 'bearer');
    assert.match(standIn.requests[0].headers.authorization, /^Bearer ey/);
    await tokenClient(standIn, async () => makeStandInJwt({ aud: `${AUDIENCE}/`, expiresInSeconds: 60 })).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES });

    for (const token of [makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: -60 }), makeStandInJwt({ aud: 'https://management.azure.com', expiresInSeconds: 3600 }), 'garbage']) {
      const error = await tokenClient(standIn, async () => token).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES }).catch((e: unknown) => e);
      assert.ok(error instanceof AuthenticationError);
      // SDK: Azure's body here is {"statusCode":401,"message":...} without `error`, so the SDK
      // drops the message: the caller only gets "401 status code (no body)".
      assert.equal(error.message, '401 status code (no body)');
      assert.equal(error.error, undefined);
    }
    const raw = await rawPost(standIn, CHAT_PATH, { authorization: `Bearer ${makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: -1 })}` });
    assert.deepEqual(await raw.json(), {
      statusCode: 401,
      message: 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
    });
    assert.equal(standIn.tokensAccepted, 2);
  });

  test('RBAC: a principal without a data-plane role gets PermissionDenied naming it', async () => {
    const client = tokenClient(standIn, async () => makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: 600, oid: DENIED_OID }));
    const error = await client.chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES }).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, 'Azure answers PermissionDenied with 401 by default');
    assert.equal(error.code, 'PermissionDenied');
    assert.match(error.message, new RegExp(`The principal \`${DENIED_OID}\` lacks the required data action`));
    standIn.configure({ permissionDeniedStatus: 403 });
    const forbidden = await client.chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES }).catch((e: unknown) => e);
    standIn.configure({ permissionDeniedStatus: 401 });
    assert.ok(forbidden instanceof PermissionDeniedError);
  });

  test('an unknown deployment is a NotFoundError with code DeploymentNotFound', async () => {
    const error = await keyClient(standIn, API_KEY, 'gpt-5-nope').chat.completions.create({ model: 'x', messages: MESSAGES }).catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.code, 'DeploymentNotFound');
    assert.match(error.message, /The API deployment for this resource does not exist/);
  });

  test('a missing or unknown api-version and unknown paths are 404 "Resource not found"', async () => {
    const notFound = { error: { code: '404', message: 'Resource not found' } };
    for (const path of [`/openai/deployments/${DEPLOYMENT}/chat/completions`, `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=0613`, '/openai/models?api-version=2024-10-21']) {
      const response = await rawPost(standIn, path, { 'api-key': API_KEY });
      assert.equal(response.status, 404, path);
      assert.deepEqual(await response.json(), notFound);
    }
  });

  test('429: the SDK waits for retry-after and retries', async () => {
    standIn.enqueue({ rateLimit: { retryAfterSeconds: 1 } });
    const client = new AzureOpenAI({ endpoint: standIn.endpoint, apiKey: API_KEY, apiVersion: API_VERSION, deployment: DEPLOYMENT, maxRetries: 2 });
    const started = Date.now();
    const result = await streamText(client);
    const elapsed = Date.now() - started;
    assert.match(result.text, /^You asked/);
    assert.ok(elapsed >= 950, `retried after ${elapsed} ms`);
    assert.equal(standIn.requests.length, 2);
    assert.equal(standIn.requests[0].status, 429);

    standIn.enqueue({ rateLimit: { retryAfterSeconds: 7 } });
    const raw = await rawPost(standIn, CHAT_PATH, { 'api-key': API_KEY });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '7');
    assert.equal(raw.headers.get('retry-after-ms'), '7000');
    assert.match(((await raw.json()) as { error: { message: string } }).error.message, /exceeded token rate limit .* Please retry after 7 seconds/);
  });

  test('abort: the server sees the connection close before the answer finished', async () => {
    standIn.enqueue({ text: 'one two three four five six seven eight', delayMs: 100 });
    const controller = new AbortController();
    const stream = await keyClient(standIn).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES, stream: true }, { signal: controller.signal });
    let received = '';
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? '';
      if (received.includes('two')) {controller.abort();}
    }
    // SDK: aborting ends the for-await loop silently (no APIUserAbortError is thrown).
    assert.ok(controller.signal.aborted);
    const [request] = await standIn.waitForRequests(1);
    await request.completed;
    assert.equal(request.closedEarly, true);
  });

  test('a prompt content filter is a 400 BadRequestError with code content_filter', async () => {
    standIn.enqueue({ promptContentFilter: true });
    const error = await keyClient(standIn).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES, stream: true }).catch((e: unknown) => e);
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.code, 'content_filter');
    assert.equal(error.param, 'prompt');
    assert.equal((error.error as { innererror: { code: string } }).innererror.code, 'ResponsibleAIPolicyViolation');
  });

  test('the answer filter stops a stream with finish_reason content_filter', async () => {
    standIn.enqueue({ chunks: ['a', 'b', 'c', 'd'], contentFilterAfterChunks: 2 });
    const result = await streamText(keyClient(standIn));
    assert.equal(result.text, 'ab');
    assert.equal(result.finishReason, 'content_filter');
  });

  test('a dropped connection fails the iteration with a raw undici "terminated" TypeError', async () => {
    standIn.enqueue({ chunks: ['a', 'b', 'c'], dropAfterChunks: 2 });
    const error = await streamText(keyClient(standIn)).catch((e: unknown) => e);
    // SDK: not an openai APIConnectionError; the fetch body error comes through as it is.
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, 'terminated');
    await standIn.requests[0].completed;
    assert.equal(standIn.requests[0].closedEarly, true);
  });

  test('without [DONE] the SDK ends the stream silently, with no finish_reason', async () => {
    standIn.enqueue({ chunks: ['a', 'b'], omitDone: true });
    const result = await streamText(keyClient(standIn));
    assert.equal(result.text, 'ab');
    assert.equal(result.finishReason, undefined);
  });

  test("a stall holds the connection until the client leaves; the SDK's timeout does not cover the body", async () => {
    standIn.enqueue({ chunks: ['a', 'b'], stallAfterChunks: 1 });
    const client = new AzureOpenAI({ endpoint: standIn.endpoint, apiKey: API_KEY, apiVersion: API_VERSION, deployment: DEPLOYMENT, maxRetries: 0, timeout: 200 });
    const stream = await client.chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES, stream: true });
    const stalled = setTimeout(() => stream.controller.abort(), 600);
    const started = Date.now();
    let text = '';
    for await (const chunk of stream) {text += chunk.choices[0]?.delta.content ?? '';}
    clearTimeout(stalled);
    assert.equal(text, 'a');
    assert.ok(Date.now() - started >= 500, 'only our own abort ended the stalled stream');
    await standIn.requests[0].completed;
    assert.equal(standIn.requests[0].closedEarly, true);
  });

  test('prompt words pick behaviours: "markdown" and "long"', async () => {
    const ask = async (question: string): Promise<string> => {
      const stream = await keyClient(standIn).chat.completions.create({ model: DEPLOYMENT, messages: [{ role: 'user', content: question }], stream: true });
      let text = '';
      for await (const chunk of stream) {text += chunk.choices[0]?.delta.content ?? '';}
      return text;
    };
    const markdown = await ask('Show me some markdown');
    for (const part of ['# ', '| Setting | Default |', '```ts', '`inline code`', 'https://learn.microsoft.com', '- First item']) {assert.ok(markdown.includes(part), part);}
    const long = await ask('Give me a long answer');
    assert.ok(long.length >= 19_000 && long.length <= 21_000, String(long.length));
  });

  test('stream_options.include_usage adds a usage chunk before [DONE]', async () => {
    standIn.enqueue({ text: 'usage please' });
    const stream = await keyClient(standIn).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    let usage: unknown;
    for await (const chunk of stream) {usage = chunk.usage ?? usage;}
    assert.ok(usage && (usage as { total_tokens: number }).total_tokens > 0);
  });

  test('a 100k-character answer arrives intact', async () => {
    const text = 'x'.repeat(99_990) + ' the end.';
    standIn.enqueue({ text, chunkSize: 16 });
    const result = await streamText(keyClient(standIn));
    assert.equal(result.text, text);
  });
});

describe('Azure OpenAI stand-in behind API Management', () => {
  let gateway: AzureOpenAIStandIn;
  before(async () => {
    gateway = await AzureOpenAIStandIn.start({
      apim: { subscriptionKey: 'sub-key', validateJwt: { audience: 'api://apim-gateway', requiredRole: 'Chat.Use' } },
    });
  });
  after(() => gateway.close());

  test("a missing or wrong subscription key gets APIM's own 401 bodies", async () => {
    const missing = await rawPost(gateway, CHAT_PATH, {});
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), {
      statusCode: 401,
      message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
    });
    const wrong = await rawPost(gateway, CHAT_PATH, { 'ocp-apim-subscription-key': 'nope' });
    assert.match(((await wrong.json()) as { message: string }).message, /^Access denied due to invalid subscription key/);
    const sdk = new AzureOpenAI({ endpoint: gateway.endpoint, apiKey: 'unused', apiVersion: API_VERSION, deployment: DEPLOYMENT, maxRetries: 0 });
    const error = await sdk.chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES }).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.message, '401 status code (no body)'); // SDK: APIM bodies have no `error` either
  });

  test('validate-jwt: 401 without a valid token for its audience, 403 without the role, 200 with it', async () => {
    const headers = (token?: string): Record<string, string> => ({ 'ocp-apim-subscription-key': 'sub-key', ...(token ? { authorization: `Bearer ${token}` } : {}) });
    const invalid = { statusCode: 401, message: 'Unauthorized. Access token is missing or invalid.' };
    for (const token of [undefined, makeStandInJwt({ aud: AUDIENCE, expiresInSeconds: 600 }), makeStandInJwt({ aud: 'api://apim-gateway', expiresInSeconds: -5 })]) {
      const response = await rawPost(gateway, CHAT_PATH, headers(token));
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), invalid);
    }
    const noRole = await rawPost(gateway, CHAT_PATH, headers(makeStandInJwt({ aud: 'api://apim-gateway', expiresInSeconds: 600, roles: ['Other'] })));
    assert.equal(noRole.status, 403);
    assert.match(((await noRole.json()) as { message: string }).message, /^Forbidden\./);

    const client = new AzureOpenAI({
      endpoint: gateway.endpoint,
      azureADTokenProvider: async () => makeStandInJwt({ aud: 'api://apim-gateway', expiresInSeconds: 600, roles: ['Chat.Use'] }),
      defaultHeaders: { 'Ocp-Apim-Subscription-Key': 'sub-key' },
      apiVersion: API_VERSION,
      deployment: DEPLOYMENT,
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES, stream: true });
    let text = '';
    for await (const chunk of stream) {text += chunk.choices[0]?.delta.content ?? '';}
    assert.match(text, /^You asked/);
  });

  test('a gateway taking the subscription key in api-key works with the SDK apiKey option', async () => {
    const viaApiKey = await AzureOpenAIStandIn.start({ apim: { subscriptionKey: 'sub-key', subscriptionKeyHeader: 'api-key' } });
    try {
      const completion = await keyClient(viaApiKey, 'sub-key').chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES });
      assert.match(completion.choices[0].message.content ?? '', /^You asked/);
      assert.equal(viaApiKey.requests[0].auth, 'apim');
    } finally {
      await viaApiKey.close();
    }
  });
});

describe('managed identity and az stand-ins, through the real @azure/identity', () => {
  // MSAL fixes the managed identity source (and its URL) once per process and caches tokens
  // process-wide: one stand-in for the whole file, a fresh resource per scenario.
  let identity: ManagedIdentityStandIn;
  let standIn: AzureOpenAIStandIn;
  let restoreEnv: () => void;
  before(async () => {
    identity = await ManagedIdentityStandIn.start();
    standIn = await AzureOpenAIStandIn.start();
    restoreEnv = applyToProcessEnv(isolatedAzureEnvironment({ managedIdentityHost: identity.endpoint }));
  });
  afterEach(() => {
    identity.mode = 'ok';
    process.env.FAKE_AZ_MODE = 'loggedIn';
  });
  after(async () => {
    restoreEnv();
    await Promise.all([identity.close(), standIn.close()]);
  });

  test('ManagedIdentityCredential gets a token on the IMDS path, and the stand-in accepts it', async () => {
    const credential = new ManagedIdentityCredential();
    const client = tokenClient(standIn, async () => (await credential.getToken(`${AUDIENCE}/.default`)).token);
    const result = await streamText(client);
    assert.match(result.text, /^You asked/);
    assert.equal(identity.tokenRequests, 1);
    const [request] = identity.requests;
    assert.equal(request.path.replace(/\/$/, ''), '/metadata/identity/oauth2/token');
    assert.deepEqual(request.query, { 'api-version': '2018-02-01', resource: AUDIENCE });
    assert.equal(request.headers.metadata, 'true');
    const claims = decodeJwtPayload((await credential.getToken(`${AUDIENCE}/.default`)).token);
    assert.equal(claims.appid, STANDIN_MANAGED_IDENTITY_CLIENT_ID);
    assert.equal(identity.tokenRequests, 1, 'the second token came from MSAL’s cache');
  });

  test('no identity assigned: CredentialUnavailableError carrying IMDS\'s "Identity not found"', async () => {
    identity.mode = 'unavailable';
    const error = await new ManagedIdentityCredential().getToken('https://unavailable.example/.default').catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'CredentialUnavailableError');
    assert.match(error.message, /Identity not found/);
  });

  test('a blackholed endpoint hangs getToken until the connection is cut; then identity retries', async () => {
    identity.mode = 'blackhole';
    const seen = identity.requests.length;
    const started = Date.now();
    let settled = false;
    const pending = new ManagedIdentityCredential().getToken('https://blackhole.example/.default').finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(settled, false, 'still waiting after 400 ms');
    assert.equal(identity.requests.length, seen + 1);
    identity.mode = 'ok';
    identity.dropConnections();
    const token = await pending;
    assert.equal(decodeJwtPayload(token.token).aud, 'https://blackhole.example');
    assert.ok(Date.now() - started < 5000);
  });

  test('App Service style (IDENTITY_ENDPOINT + IDENTITY_HEADER) works too, in a fresh process', async () => {
    const env = isolatedAzureEnvironment({ appServiceIdentity: { endpoint: identity.appServiceEndpoint, header: identity.identityHeader } });
    const script = `new (require(${JSON.stringify(require.resolve('@azure/identity'))}).ManagedIdentityCredential)().getToken('${AUDIENCE}/.default')
        .then((t) => console.log(JSON.parse(Buffer.from(t.token.split('.')[1], 'base64url')).aud), (e) => { console.error(e.message); process.exit(1); });`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], { env }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))),
    );
    assert.equal(output.trim(), AUDIENCE);
    assert.ok(identity.requests.some((r) => r.path === '/msi/token' && r.query['api-version'] === '2019-08-01'));
  });

  test('AzureCliCredential runs the fake az, and the stand-in accepts its token', async () => {
    const credential = new AzureCliCredential({ tenantId: STANDIN_TENANT_ID });
    const token = await credential.getToken(`${AUDIENCE}/.default`);
    const claims = decodeJwtPayload(token.token);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.appid, AZURE_CLI_APP_ID);
    assert.equal(claims.tid, STANDIN_TENANT_ID);
    assert.ok(Math.abs(token.expiresOnTimestamp - claims.exp * 1000) < 2000, 'expires_on was used');
    const completion = await tokenClient(standIn, async () => token.token).chat.completions.create({ model: DEPLOYMENT, messages: MESSAGES });
    assert.match(completion.choices[0].message.content ?? '', /^You asked/);
  });

  test("a logged-out az makes AzureCliCredential unavailable with its 'az login' advice", async () => {
    process.env.FAKE_AZ_MODE = 'loggedOut';
    const error = await new AzureCliCredential().getToken(`${AUDIENCE}/.default`).catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'CredentialUnavailableError');
    assert.match(error.message, /Please run 'az login'/);
  });
});
