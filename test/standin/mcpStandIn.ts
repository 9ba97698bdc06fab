// A small MCP server over stdio, built with the official SDK (@modelcontextprotocol/sdk) as any
// MCP server is: VS Code starts it from a workspace's .vscode/mcp.json and lists its tool in
// vscode.lm.tools, which is how the E2E proves an MCP tool reaches the chat through VS Code.
//
//   node out/test/standin/mcpStandIn.js [--log <file>]   (stdio; each call is appended to the log)
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

export const mcpToolName = 'release_status';
export const mcpAnswer = (component: string) => `Release gate for ${component}: open. The check must pass before the release (ticket REL-42).`;

async function main(): Promise<void> {
  const logIndex = process.argv.indexOf('--log');
  const logFile = logIndex > 0 ? process.argv[logIndex + 1] : undefined;
  const server = new McpServer({ name: 'release-standin', version: '1.0.0' });
  server.registerTool(
    mcpToolName,
    {
      title: 'Release status',
      description: 'Whether a component may be released, and what the release gate requires.',
      inputSchema: { component: z.string().describe('The component name') },
    },
    async ({ component }) => {
      if (logFile) {
        appendFileSync(logFile, `${JSON.stringify({ tool: mcpToolName, component })}\n`);
      }
      return { content: [{ type: 'text', text: mcpAnswer(component) }] };
    },
  );
  await server.connect(new StdioServerTransport());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`mcp stand-in: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
