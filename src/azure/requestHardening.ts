/**
 * What every client built in clientFactory.ts gets, whichever `openai` client class it is:
 * nothing from the process environment changes what is sent or logged. (Redirects and origins
 * are the hardened fetch's job: src/net/hardenedFetch.ts.)
 */
import type { ClientOptions } from 'openai';

/**
 * Options that pin down everything the `openai` package would otherwise take from the
 * environment (OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_ADMIN_KEY, OPENAI_WEBHOOK_SECRET,
 * OPENAI_LOG) or print to the console. Its logger is off: at `debug` it prints requests,
 * and the extension logs through its own redacting channel.
 */
export function hardenedClientOptions(): Pick<ClientOptions, 'organization' | 'project' | 'adminAPIKey' | 'webhookSecret' | 'logLevel' | 'logger'> {
  return {
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: 'off',
    logger: silentSdkLogger,
  };
}

const silentSdkLogger: NonNullable<ClientOptions['logger']> = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

/**
 * Builds a client with the SDK's environment variables hidden. Some have no option that turns
 * them off: OPENAI_CUSTOM_HEADERS is merged into every request (it can even replace api-key or
 * Authorization), AZURE_OPENAI_API_KEY is added beside a token provider, OPENAI_BASE_URL
 * conflicts with `endpoint`. The SDK reads them only in its constructor, which is synchronous,
 * so no other code can observe process.env while they are set aside.
 */
export function constructWithoutSdkEnvironment<T>(build: () => T): T {
  const hidden: Array<[string, string]> = [];
  for (const name of Object.keys(process.env)) {
    if (sdkVariable.test(name)) {
      hidden.push([name, process.env[name] ?? '']);
      delete process.env[name];
    }
  }
  try {
    return build();
  } finally {
    for (const [name, value] of hidden) {
      process.env[name] = value;
    }
  }
}

const sdkVariable = /^(OPENAI_|AZURE_OPENAI_)/i;
