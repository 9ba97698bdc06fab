// The model core reads what Azure says about spending and filtering, on both wire APIs, through
// the real openai SDK against the stand-in: usage with cached tokens, the remaining quota, the
// filter's annotations (protected code with its citation), and 429s / blocked prompts explained
// with the limit or the categories.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AnswerError } from '../../src/azure/answerError';
import type { ModelEvent } from '../../src/azure/modelRequest';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { createChatStack, MemorySecrets } from './chatStack';

const apiKey = 'spend-core-key-0123456789abcdef012345';
const citation = { URL: 'https://github.com/contoso/sorting/blob/main/quicksort.c', license: 'MIT' };
let standIn: AzureOpenAIStandIn;

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey, deployments: ['gpt-4o-mini', { name: 'gpt-5-codex', model: 'gpt-5-codex-2025-09-15' }] });
});
after(() => standIn.close());
beforeEach(() => standIn.reset());

function client(deployment: string) {
  const secrets = new MemorySecrets();
  secrets.values.set(SecretName.apiKey, apiKey);
  return createChatStack({ settings: { endpoint: standIn.endpoint, deployment, auth: 'apiKey', trustedHosts: ['127.0.0.1'] }, secrets, maxRetries: 2 }).client;
}

async function events(deployment: string): Promise<ModelEvent[]> {
  const seen: ModelEvent[] = [];
  await client(deployment).stream({ messages: [{ role: 'user', content: 'Write quicksort' }] }, new AbortController().signal, (event) => seen.push(event));
  return seen;
}

async function failure(deployment: string): Promise<AnswerError> {
  const error = await client(deployment)
    .stream({ messages: [{ role: 'user', content: 'q' }] }, new AbortController().signal, () => undefined)
    .then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AnswerError, String(error));
  return error;
}

for (const deployment of ['gpt-4o-mini', 'gpt-5-codex']) {
  describe(`spend signals from the model core (${deployment === 'gpt-4o-mini' ? 'chat completions' : 'Responses'})`, () => {
    test('usage carries the cached input tokens; the quota left comes first', async () => {
      standIn.enqueue({ text: 'Sorted.', cachedTokens: 1024 });
      const seen = await events(deployment);
      assert.equal(seen[0]?.type, 'quota', 'the headers arrive before the answer');
      const quota = seen[0]?.type === 'quota' ? seen[0].quota : undefined;
      assert.ok(quota?.remainingRequests !== undefined && quota.remainingTokens !== undefined, JSON.stringify(quota));
      const usage = seen.find((event) => event.type === 'usage');
      assert.ok(usage?.type === 'usage');
      // The stand-in's prompt is short, so the scripted 1,024 are capped at the prompt's size.
      assert.equal(usage.usage.cachedInputTokens, Math.min(1024, usage.usage.inputTokens));
    });

    test('filter annotations: protected code with its citation, and a detected prompt attack', async () => {
      standIn.enqueue({
        text: 'void quicksort(int *a) {}',
        promptFilter: { jailbreak: { filtered: false, detected: true } },
        completionFilter: { protected_material_code: { filtered: false, detected: true, citation } },
      });
      const seen = await events(deployment);
      const filters = seen.filter((event): event is Extract<ModelEvent, { type: 'contentFilter' }> => event.type === 'contentFilter');
      const prompt = filters.filter((event) => event.source === 'prompt').at(-1);
      const completion = filters.filter((event) => event.source === 'completion').at(-1);
      assert.deepEqual(prompt?.findings, [{ category: 'jailbreak', filtered: false, detected: true }]);
      assert.deepEqual(completion?.findings, [{ category: 'protected_material_code', filtered: false, detected: true, citation: { url: citation.URL, license: citation.license } }]);
      assert.equal(filters.filter((event) => event.source === 'completion').length, 1, 'the same annotation on every chunk is reported once');
    });

    test('an answer cut by the filter reports the category that cut it', async () => {
      standIn.enqueue({ chunks: ['a ', 'b ', 'c'], contentFilterAfterChunks: 2, completionFilter: { violence: { filtered: true, severity: 'high' } } });
      const seen: ModelEvent[] = [];
      const end = await client(deployment).stream({ messages: [{ role: 'user', content: 'q' }] }, new AbortController().signal, (event) => seen.push(event));
      assert.equal(end.kind, 'contentFiltered');
      const cut = seen.filter((event) => event.type === 'contentFilter' && event.source === 'completion').at(-1);
      assert.deepEqual(cut?.type === 'contentFilter' ? cut.findings : undefined, [{ category: 'violence', filtered: true, severity: 'high' }]);
    });

    test('a 429 names the token limit and the wait', async () => {
      standIn.enqueue({ rateLimit: { retryAfterSeconds: 3600 } });
      const error = await failure(deployment);
      assert.match(error.problem.title, /tokens-per-minute limit \(TPM\)/);
      assert.deepEqual(error.problem.rateLimit, { limit: 'tokens', waitSeconds: 3600 });
      assert.equal(error.kind, 'blocked');
    });

    test('a 429 names the requests limit', async () => {
      standIn.enqueue({ rateLimit: { retryAfterSeconds: 120, limit: 'requests' } });
      const error = await failure(deployment);
      assert.match(error.problem.title, /requests-per-minute limit \(RPM\)/);
      assert.equal(error.problem.rateLimit?.limit, 'requests');
    });

    test('a blocked prompt lists the categories, and says an indirect attack was in attached content', async () => {
      standIn.enqueue({ promptContentFilter: { indirect_attack: { filtered: true, detected: true }, hate: { filtered: false, severity: 'low' } } });
      const error = await failure(deployment);
      assert.match(error.problem.detail, /Flagged: indirect attack in attached content\./);
      assert.match(error.problem.detail, /attached content: remove that file/);
      assert.deepEqual(error.problem.filter?.source, 'prompt');
      assert.deepEqual(
        error.problem.filter?.findings.map((finding) => finding.category).sort(),
        ['hate', 'indirect_attack'],
      );
    });
  });
}
