// A loopback server that answers every request with a redirect, as a moved resource, a
// misconfigured proxy or a hostile endpoint might. Azure OpenAI itself never redirects a chat
// completion; an HTTP client that follows the Location sends the same headers (api-key,
// Ocp-Apim-Subscription-Key, Authorization) and, for 307/308, the same body to the new origin.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback, loopbackUrl } from './loopbackServer';

export interface RedirectingServerOptions {
  /** 301, 302, 303, 307 or 308. */
  readonly status: number;
  /** Where to send the client: the path and query of the request are appended. */
  readonly target: string;
}

export class RedirectingServer {
  /** Every request seen, with lower-cased header names. */
  readonly requests: Array<{ readonly method: string; readonly url: string; readonly headers: IncomingMessage['headers'] }> = [];

  private constructor(
    private readonly server: Server,
    public options: RedirectingServerOptions,
  ) {}

  static async start(options: RedirectingServerOptions): Promise<RedirectingServer> {
    const server = createServer();
    const redirecting = new RedirectingServer(server, options);
    server.on('request', (request, response) => {
      redirecting.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
      request.resume();
      request.on('end', () => {
        const location = `${redirecting.options.target.replace(/\/+$/, '')}${request.url ?? '/'}`;
        response.writeHead(redirecting.options.status, { location, 'content-type': 'text/plain' }).end(`Moved to ${location}`);
      });
    });
    await listenOnLoopback(server);
    return redirecting;
  }

  get endpoint(): string {
    return loopbackUrl(this.server);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}
