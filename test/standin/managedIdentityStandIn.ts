// A loopback managed-identity endpoint, so @azure/identity's ManagedIdentityCredential (and the
// managed identity step of DefaultAzureCredential) works here without 169.254.169.254.
//
// Two ways in, as @azure/msal-node 5.x calls them:
// - IMDS: AZURE_POD_IDENTITY_AUTHORITY_HOST=<endpoint>; MSAL sends
//   GET <host>/metadata/identity/oauth2/token?api-version=2018-02-01&resource=<r>
//   with `Metadata: true` (plus client_id / object_id / msi_res_id for user-assigned identities).
//   With that variable set, @azure/identity skips its IMDS probe.
// - App Service: IDENTITY_ENDPOINT=<appServiceEndpoint> and IDENTITY_HEADER=<identityHeader>;
//   MSAL sends GET <endpoint>?api-version=2019-08-01&resource=<r> with `X-IDENTITY-HEADER`.
//
// Beware (measured with @azure/identity 4.13.1 / msal-node 5.6.0): MSAL picks the source, and
// its URL, once per process (static ManagedIdentityClient.identitySource) and caches tokens in a
// process-wide store. Start one stand-in per test process, switch `mode` instead of restarting,
// and expect a second credential asking for the same resource to get the cached token.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { makeStandInJwt, STANDIN_MANAGED_IDENTITY_CLIENT_ID, STANDIN_MANAGED_IDENTITY_OID, STANDIN_TENANT_ID } from './tokens';
import { closeServer, listenOnLoopback, loopbackUrl } from './loopbackServer';

/**
 * ok: hand out tokens. unavailable: answer like IMDS on a machine without an assigned identity
 * (400 "Identity not found"). blackhole: accept the connection and never answer, like a
 * firewalled 169.254.169.254.
 */
export type ManagedIdentityMode = 'ok' | 'unavailable' | 'blackhole';

export interface ManagedIdentityStandInOptions {
  mode?: ManagedIdentityMode;
  port?: number;
  /** The identity's client id (token `appid`). */
  clientId?: string;
  objectId?: string;
  tenantId?: string;
  /** Token lifetime (IMDS hands out ~24 h tokens). */
  expiresInSeconds?: number;
  /** The secret App Service puts in IDENTITY_HEADER. */
  identityHeader?: string;
}

export interface ManagedIdentityRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';
const APP_SERVICE_TOKEN_PATH = '/msi/token';

export class ManagedIdentityStandIn {
  mode: ManagedIdentityMode;
  /** Token requests answered with a token. */
  tokenRequests = 0;
  readonly requests: ManagedIdentityRequest[] = [];
  readonly identityHeader: string;

  private constructor(private readonly server: Server, private readonly options: ManagedIdentityStandInOptions) {
    this.mode = options.mode ?? 'ok';
    this.identityHeader = options.identityHeader ?? randomUUID();
  }

  static async start(options: ManagedIdentityStandInOptions = {}): Promise<ManagedIdentityStandIn> {
    // requestTimeout 0: Node's default (300 s) would answer a blackholed request with 408.
    const server = createServer({ requestTimeout: 0 });
    const standIn = new ManagedIdentityStandIn(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => standIn.handle(req, res));
    await listenOnLoopback(server, options.port);
    return standIn;
  }

  /** For AZURE_POD_IDENTITY_AUTHORITY_HOST. */
  get endpoint(): string {
    return loopbackUrl(this.server);
  }

  /** For IDENTITY_ENDPOINT (with IDENTITY_HEADER = identityHeader). */
  get appServiceEndpoint(): string {
    return `${this.endpoint}${APP_SERVICE_TOKEN_PATH}`;
  }

  /**
   * Cuts every open connection but keeps listening: a blackholed request then fails with a
   * network error and the client's retry reaches the stand-in again (in whatever mode it is now).
   */
  dropConnections(): void {
    this.server.closeAllConnections();
  }

  /** Stops listening and destroys every connection, including the ones a blackhole holds. */
  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query, headers: { ...req.headers } });
    req.resume();
    if (this.mode === 'blackhole') {return;} // never answer; close() destroys the socket

    const path = url.pathname.replace(/\/+$/, '').toLowerCase();
    if (path === IMDS_TOKEN_PATH) {return this.imds(req, res, query);}
    if (path === APP_SERVICE_TOKEN_PATH) {return this.appService(req, res, query);}
    send(res, 404, { error: 'not_found', error_description: `No managed identity endpoint at ${url.pathname}` });
  }

  private imds(req: IncomingMessage, res: ServerResponse, query: Record<string, string>): void {
    // IMDS answers its own 400s with OAuth-style bodies.
    if (req.headers.metadata !== 'true') {return send(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });}
    if (!query['api-version']) {return send(res, 400, { error: 'invalid_request', error_description: "Required query variable 'api-version' is missing" });}
    if (!query.resource) {return send(res, 400, { error: 'invalid_request', error_description: "Required query variable 'resource' is missing" });}
    if (this.mode === 'unavailable') {return send(res, 400, { error: 'invalid_request', error_description: 'Identity not found' });}
    send(res, 200, this.token(query.resource, query.client_id));
  }

  private appService(req: IncomingMessage, res: ServerResponse, query: Record<string, string>): void {
    // The wording of these App Service failures is the stand-in's own (not captured from Azure).
    if (req.headers['x-identity-header'] !== this.identityHeader) {
      return send(res, 401, { statusCode: 401, message: 'Unauthorized: the X-IDENTITY-HEADER header is missing or wrong.' });
    }
    if (!query.resource) {return send(res, 400, { statusCode: 400, message: "Required query variable 'resource' is missing" });}
    if (this.mode === 'unavailable') {return send(res, 400, { statusCode: 400, message: 'No managed identity is assigned to this app.' });}
    send(res, 200, this.token(query.resource, query.client_id));
  }

  /** IMDS sends the numbers as strings; MSAL copes, and so must the extension. */
  private token(resource: string, userAssignedClientId: string | undefined): Record<string, string> {
    this.tokenRequests++;
    const expiresIn = this.options.expiresInSeconds ?? 86399;
    const now = Math.floor(Date.now() / 1000);
    const clientId = userAssignedClientId ?? this.options.clientId ?? STANDIN_MANAGED_IDENTITY_CLIENT_ID;
    return {
      access_token: makeStandInJwt({
        aud: resource,
        expiresInSeconds: expiresIn,
        appid: clientId,
        oid: this.options.objectId ?? STANDIN_MANAGED_IDENTITY_OID,
        tid: this.options.tenantId ?? STANDIN_TENANT_ID,
      }),
      client_id: clientId,
      expires_in: String(expiresIn),
      expires_on: String(now + expiresIn),
      ext_expires_in: String(expiresIn),
      not_before: String(now),
      resource,
      token_type: 'Bearer',
    };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
