// The MCP server stand-in speaks MCP over stdio as the SDK's own client expects: VS Code's MCP
// client talks to it the same way in the E2E.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mcpAnswer, mcpToolName } from '../standin/mcpStandIn';

describe('MCP server stand-in', () => {
  test('lists its tool with a schema and answers a call, logging it', async () => {
    const log = join(await mkdtemp(join(tmpdir(), 'mcp-')), 'calls.jsonl');
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(__dirname, '..', 'standin', 'mcpStandIn.js'), '--log', log] });
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name), [mcpToolName]);
      assert.equal((tools[0]?.inputSchema as { required?: string[] }).required?.[0], 'component');
      const result = await client.callTool({ name: mcpToolName, arguments: { component: 'sum' } });
      assert.deepEqual(result.content, [{ type: 'text', text: mcpAnswer('sum') }]);
      assert.deepEqual(JSON.parse((await readFile(log, 'utf8')).trim()), { tool: mcpToolName, component: 'sum' });
    } finally {
      await client.close();
    }
  });
});
