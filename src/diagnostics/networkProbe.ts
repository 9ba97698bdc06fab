/**
 * Can this machine reach the endpoint at all: DNS, then a TCP connection, then (for https) a
 * TLS handshake that names a certificate problem instead of a bare "fetch failed". It connects
 * directly, so behind a proxy the answer is about the direct path (the report says so).
 */
import { lookup } from 'node:dns/promises';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls, type PeerCertificate } from 'node:tls';

export type NetworkProbe =
  | { readonly stage: 'dns'; readonly ok: false; readonly host: string; readonly code: string; readonly message: string }
  | { readonly stage: 'connect' | 'tls'; readonly ok: false; readonly host: string; readonly addresses: readonly string[]; readonly code: string; readonly message: string }
  | {
      readonly stage: 'done';
      readonly ok: true;
      readonly host: string;
      readonly addresses: readonly string[];
      /** Undefined for plain http (loopback only). */
      readonly tls?: { readonly protocol: string; readonly subject: string; readonly issuer: string; readonly validTo: string };
    };

export interface ProbeOptions {
  readonly timeoutMs?: number;
  /** Extra trusted roots (tests pass the stand-in's self-signed certificate). */
  readonly ca?: string | readonly string[];
}

export async function probeEndpoint(endpoint: string, options: ProbeOptions = {}): Promise<NetworkProbe> {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const timeoutMs = options.timeoutMs ?? 5000;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch (error) {
    const { code, message } = errorFields(error);
    return { stage: 'dns', ok: false, host, code, message };
  }
  if (url.protocol !== 'https:') {
    const reached = await withSocket(timeoutMs, (done) => {
      const socket = connectTcp({ host, port }, () => done(undefined, socket));
      socket.once('error', (error) => done(error, socket));
      return socket;
    });
    return reached.error
      ? { stage: 'connect', ok: false, host, addresses, ...errorFields(reached.error) }
      : { stage: 'done', ok: true, host, addresses };
  }
  let certificate: PeerCertificate | undefined;
  let protocol = '';
  const handshake = await withSocket(timeoutMs, (done) => {
    const socket = connectTls({ host, port, servername: host, ...(options.ca ? { ca: options.ca as string | string[] } : {}) }, () => {
      certificate = socket.getPeerCertificate();
      protocol = socket.getProtocol() ?? '';
      done(undefined, socket);
    });
    socket.once('error', (error) => done(error, socket));
    return socket;
  });
  if (handshake.error) {
    const fields = errorFields(handshake.error);
    // A refused or timed-out TCP connection never got to TLS.
    const stage = /^(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)$/.test(fields.code) ? 'connect' : 'tls';
    return { stage, ok: false, host, addresses, ...fields };
  }
  return {
    stage: 'done',
    ok: true,
    host,
    addresses,
    tls: {
      protocol,
      subject: String(certificate?.subject?.CN ?? ''),
      issuer: [certificate?.issuer?.CN, certificate?.issuer?.O].filter(Boolean).join(', '),
      validTo: certificate?.valid_to ?? '',
    },
  };
}

/** What to tell the user about a TLS failure code, by family. */
export function describeCertificateError(code: string): { cause: string; fix: string } | undefined {
  switch (code) {
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return {
        cause: `The server's certificate is not trusted (${code}); usually a proxy or security product on your network re-signs TLS traffic with its own root certificate.`,
        fix: 'Keep VS Code\'s http.systemCertificates setting on (the default) so roots trusted by your operating system are used, check http.proxy, or point NODE_EXTRA_CA_CERTS at your organisation\'s root certificate.',
      };
    case 'CERT_HAS_EXPIRED':
      return {
        cause: 'The server\'s certificate has expired (CERT_HAS_EXPIRED).',
        fix: 'Check the computer\'s clock; if it is right, the certificate (or an intercepting proxy\'s) must be renewed by its owner.',
      };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        cause: 'The server\'s certificate is for another host name (ERR_TLS_CERT_ALTNAME_INVALID).',
        fix: 'Check azureOpenAIChat.endpoint for a typo, and whether a proxy or private DNS answers for this host.',
      };
    case 'CERT_NOT_YET_VALID':
      return { cause: 'The server\'s certificate is not valid yet (CERT_NOT_YET_VALID).', fix: 'Check the computer\'s date and time.' };
    default:
      return undefined;
  }
}

function errorFields(error: unknown): { code: string; message: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
  return { code: String(code), message: error instanceof Error ? error.message : String(error) };
}

async function withSocket(
  timeoutMs: number,
  start: (done: (error: Error | undefined, socket: { destroy(): void }) => void) => { destroy(): void; setTimeout(ms: number, cb: () => void): unknown },
): Promise<{ error?: Error }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (error: Error | undefined, socket: { destroy(): void }) => {
      if (!settled) {
        settled = true;
        socket.destroy();
        resolve(error ? { error } : {});
      }
    };
    const socket = start(done);
    socket.setTimeout(timeoutMs, () => done(Object.assign(new Error(`No answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }), socket));
  });
}
