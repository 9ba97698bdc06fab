// A loopback HTTP API in the runner process that lets tests running inside the extension host
// (another process) script the stand-ins and read what they recorded. The contract is in
// docs/testing.md; test/integration/standIn.ts is its client.
//
//   GET  /state                          endpoints, deployments, counters, managed identity mode
//   POST /aoai/enqueue                   Scenario or Scenario[]: behaviour of the next completions
//   POST /aoai/default                   Scenario: behaviour when nothing is queued
//   POST /aoai/configure                 { apiKey, acceptAnyApiKey, audience, apim, deployments, ... }
//   GET  /aoai/requests?count=N&timeoutMs=T
//                                        recorded requests; with count, waits for at least N and
//                                        for those to finish (closedEarly is final then)
//   POST /managed-identity/mode          { "mode": "ok" | "unavailable" | "blackhole" }
//   GET  /managed-identity/requests
//   POST /reset                          forget requests, queue, counters; managed identity back to ok
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AzureOpenAIStandIn, RecordedRequest, Scenario } from '../standin/azureOpenAIStandIn';
import type { ManagedIdentityMode, ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { closeServer, listenOnLoopback, loopbackUrl } from '../standin/loopbackServer';

export type SerializedRequest = Omit<RecordedRequest, 'completed'>;

const MANAGED_IDENTITY_MODES: readonly ManagedIdentityMode[] = ['ok', 'unavailable', 'blackhole'];

export class StandInControl {
  private constructor(
    private readonly server: Server,
    private readonly aoai: AzureOpenAIStandIn,
    private readonly managedIdentity: ManagedIdentityStandIn,
  ) {}

  static async start(aoai: AzureOpenAIStandIn, managedIdentity: ManagedIdentityStandIn): Promise<StandInControl> {
    const server = createServer();
    const control = new StandInControl(server, aoai, managedIdentity);
    server.on('request', (req, res) => {
      control.handle(req, res).catch((error: unknown) => reply(res, 500, { error: String(error) }));
    });
    await listenOnLoopback(server);
    return control;
  }

  get url(): string {
    return loopbackUrl(this.server);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method} ${url.pathname}`;
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    switch (route) {
      case 'GET /state':
        return reply(res, 200, this.state());
      case 'POST /aoai/enqueue':
        this.aoai.enqueue(...(Array.isArray(body) ? (body as Scenario[]) : [body as Scenario]));
        return reply(res, 200, this.state());
      case 'POST /aoai/default':
        this.aoai.setDefault((body ?? {}) as Scenario);
        return reply(res, 200, this.state());
      case 'POST /aoai/configure':
        this.aoai.configure((body ?? {}) as Parameters<AzureOpenAIStandIn['configure']>[0]);
        return reply(res, 200, this.state());
      case 'GET /aoai/requests':
        return reply(res, 200, await this.requests(url.searchParams));
      case 'POST /managed-identity/mode': {
        const mode = (body as { mode?: ManagedIdentityMode } | undefined)?.mode;
        if (!mode || !MANAGED_IDENTITY_MODES.includes(mode)) {
          return reply(res, 400, { error: `mode must be one of ${MANAGED_IDENTITY_MODES.join(', ')}` });
        }
        this.managedIdentity.mode = mode;
        return reply(res, 200, this.state());
      }
      case 'GET /managed-identity/requests':
        return reply(res, 200, this.managedIdentity.requests);
      case 'POST /reset':
        this.aoai.reset();
        this.managedIdentity.mode = 'ok';
        this.managedIdentity.requests.length = 0;
        this.managedIdentity.tokenRequests = 0;
        return reply(res, 200, this.state());
      default:
        return reply(res, 404, { error: `no route ${route}` });
    }
  }

  private state(): object {
    return {
      aoai: {
        endpoint: this.aoai.endpoint,
        deployments: this.aoai.deployments,
        requestCount: this.aoai.requests.length,
        tokensAccepted: this.aoai.tokensAccepted,
      },
      managedIdentity: {
        endpoint: this.managedIdentity.endpoint,
        mode: this.managedIdentity.mode,
        tokenRequests: this.managedIdentity.tokenRequests,
      },
    };
  }

  private async requests(query: URLSearchParams): Promise<SerializedRequest[]> {
    const count = Number(query.get('count') ?? 0);
    const timeoutMs = Number(query.get('timeoutMs') ?? 5000);
    let recorded: RecordedRequest[] = this.aoai.requests;
    if (count > 0) {
      const deadline = Date.now() + timeoutMs;
      await this.aoai.waitForRequests(count, timeoutMs);
      const settled = Promise.all(recorded.slice(0, count).map((r) => r.completed));
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
      recorded = this.aoai.requests;
    }
    return recorded.map(({ completed: _completed, ...rest }) => rest);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}
