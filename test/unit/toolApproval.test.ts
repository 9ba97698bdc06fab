// The approval policy and result truncation, on their own: who may let a tool run, and how an
// oversized result is cut.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideApproval, MemoryGrantStore, offeredInMode, type ToolEffect } from '../../src/chat/toolApproval';
import { truncateResult } from '../../src/chat/toolResults';

const context = (overrides: Partial<Parameters<typeof decideApproval>[2]> = {}) => ({
  trusted: true,
  autoApproveReadOnly: true,
  conversationGrants: new Set<string>(),
  workspaceGrants: new MemoryGrantStore(),
  ...overrides,
});

describe('approval policy', () => {
  test('reading runs without asking only while the setting allows it', () => {
    assert.equal(decideApproval('read', 'read_file', context()), 'allow');
    assert.equal(decideApproval('read', 'read_file', context({ autoApproveReadOnly: false })), 'ask');
  });

  test('writing, running, the network and unknown tools ask unless the user granted them', async () => {
    for (const effect of ['write', 'run', 'network', 'unknown'] as ToolEffect[]) {
      assert.equal(decideApproval(effect, 'k', context()), 'ask', effect);
    }
    assert.equal(decideApproval('run', 'run:npm test', context({ conversationGrants: new Set(['run:npm test']) })), 'allow');
    const workspaceGrants = new MemoryGrantStore();
    await workspaceGrants.add('edit');
    assert.equal(decideApproval('write', 'edit', context({ workspaceGrants })), 'allow');
    assert.equal(decideApproval('run', 'run:rm -rf .', context({ conversationGrants: new Set(['run:npm test']), workspaceGrants })), 'ask', 'a grant covers its own key only');
  });

  test('Restricted Mode refuses everything but reading, grants or not, and offers only reading', () => {
    const granted = context({ trusted: false, conversationGrants: new Set(['edit']) });
    assert.equal(decideApproval('write', 'edit', granted), 'refuse');
    assert.equal(decideApproval('unknown', 'mcp', granted), 'refuse');
    assert.equal(decideApproval('read', 'read_file', granted), 'allow');
    assert.deepEqual((['read', 'write', 'run', 'network', 'unknown'] as ToolEffect[]).filter((effect) => offeredInMode(effect, false)), ['read']);
  });
});

describe('result truncation', () => {
  test('a result within the limit is untouched; a longer one keeps its start and end and says what was cut', () => {
    assert.deepEqual(truncateResult('short', 100), { text: 'short', truncated: false });
    const text = `START${'x'.repeat(10_000)}END`;
    const cut = truncateResult(text, 1000);
    assert.equal(cut.truncated, true);
    assert.ok(cut.text.startsWith('START'));
    assert.ok(cut.text.endsWith('END'));
    assert.match(cut.text, /\[… 9008 of 10008 characters cut: the result was over the 1000-character limit …\]/);
  });
});
