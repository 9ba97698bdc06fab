/**
 * Figure 5, tokens: 50 chat requests within one token's lifetime must cost one token
 * acquisition, both through the Azure identity chain (real @azure/identity against the
 * loopback managed identity endpoint, which counts the tokens it hands out) and through VS
 * Code's Microsoft session (the stand-in counts the tokens it mints). The Azure OpenAI stand-in
 * checks every request's bearer token, so 50 accepted bearer requests show they all used one.
 *
 * MSAL caches managed identity tokens per process and client id, so this stack asks as a
 * user-assigned identity with a client id of its own: a token cached by anything earlier in
 * the process cannot be counted as "no acquisition".
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from './context';
import { benchDeployment } from './hostStack';
import type { FigureResult } from './report';
import { createChatStack, StandInMicrosoftSessions } from '../test/unit/chatStack';

const requests = 50;
const targetAcquisitions = 1;

interface PathResult {
  readonly acquisitions: number;
  readonly bearerRequests: number;
  readonly label: string;
  readonly elapsedMs: number;
}

export async function measureTokens(ctx: BenchContext): Promise<FigureResult[]> {
  const settings = { endpoint: ctx.standIn.server.endpoint, deployment: benchDeployment, auth: 'entra', trustedHosts: ['127.0.0.1'] };

  const run = async (stack: ReturnType<typeof createChatStack>, acquisitions: () => number): Promise<PathResult> => {
    const before = acquisitions();
    const bearerBefore = ctx.standIn.server.tokensAccepted;
    const started = Date.now();
    try {
      for (let i = 0; i < requests; i++) {
        ctx.standIn.server.enqueue({ text: `Answer ${i}.` });
        const answer = await stack.ask(`Question ${i}?`);
        if (answer?.status !== 'done') {
          throw new Error(`request ${i + 1} ended ${answer?.status ?? 'without an answer'}: ${answer?.problem?.title ?? ''} ${stack.log.lines.slice(-3).join(' | ')}`);
        }
      }
      return {
        acquisitions: acquisitions() - before,
        bearerRequests: ctx.standIn.server.tokensAccepted - bearerBefore,
        label: (await stack.connection.view()).label,
        elapsedMs: Date.now() - started,
      };
    } finally {
      stack.session.dispose();
    }
  };

  const identity = await run(
    createChatStack({
      settings,
      microsoft: new StandInMicrosoftSessions(false),
      env: { ...process.env, AZURE_CLIENT_ID: `bench-${randomUUID()}` },
    }),
    () => ctx.managedIdentity.tokenRequests,
  );
  const microsoft = new StandInMicrosoftSessions(true);
  const vscode = await run(createChatStack({ settings, microsoft }), () => microsoft.tokensMinted);

  const rows: [string, PathResult][] = [
    ['5. tokens via Azure identity chain', identity],
    ['5. tokens via VS Code session', vscode],
  ];
  return rows.map(([figure, result]) => {
    ctx.log(
      `${figure.slice(3)}: ${result.acquisitions} acquisition(s) for ${requests} requests, ${result.bearerRequests} bearer requests accepted, ` +
        `"${result.label}", ${result.elapsedMs} ms`,
    );
    const allBearer = result.bearerRequests === requests;
    return {
      figure,
      measured: `${result.acquisitions} per ${requests} requests${allBearer ? '' : ` (only ${result.bearerRequests} used a bearer token)`}`,
      target: `${targetAcquisitions} per ${requests}`,
      // Exactly one: zero would mean the path was not exercised at all, which is not a pass.
      verdict: allBearer && result.acquisitions === targetAcquisitions ? 'PASS' : 'MISS',
      value: result.acquisitions,
      limit: targetAcquisitions,
      details: { requests, bearerRequests: result.bearerRequests, credential: result.label, elapsedMs: result.elapsedMs },
    };
  });
}
