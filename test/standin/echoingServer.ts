// A loopback server that fails every request and echoes the credential headers it received,
// bare, in its error message: the way a misbehaving proxy or debug build of a gateway does
// ("upstream refused <value>"). It is the worst case for redaction: no header name, no
// "Bearer " prefix, nothing but the secret itself in the text.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback, loopbackUrl } from './loopbackServer';

const echoedHeaders = ['api-key', 'ocp-apim-subscription-key', 'authorization'];

export class EchoingServer {
  readonly requests: Array<{ readonly headers: IncomingMessage['headers'] }> = [];

  private constructor(private readonly server: Server) {}

  /** `status` of every answer; 500 by default (so the text reaches the user as the service's message). */
  static async start(status = 500): Promise<EchoingServer> {
    const server = createServer();
    const echoing = new EchoingServer(server);
    server.on('request', (request, response) => {
      echoing.requests.push({ headers: request.headers });
      request.resume();
      request.on('end', () => {
        const values = echoedHeaders
          .map((name) => request.headers[name])
          .filter((value): value is string => typeof value === 'string')
          .map((value) => value.replace(/^Bearer\s+/i, ''));
        const body = { error: { code: 'UpstreamFailure', message: `upstream refused ${values.join(' and ')}` } };
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await listenOnLoopback(server);
    return echoing;
  }

  get endpoint(): string {
    return loopbackUrl(this.server);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}
