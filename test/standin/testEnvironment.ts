// An environment in which @azure/identity can only reach the loopback stand-ins.
//
// EnvironmentCredential, WorkloadIdentityCredential and the interactive credentials would call
// login.microsoftonline.com, and ManagedIdentityCredential would call 169.254.169.254 or an
// App Service endpoint: every variable that could send them anywhere is removed, managed
// identity is pointed at the loopback stand-in, and the fake `az` comes first on PATH.
//
// AzureCliCredential runs `az` through child_process.exec with the process's own environment,
// and MSAL reads the managed identity variables from process.env, so in-process tests must
// apply the environment to process.env (applyToProcessEnv); child processes can take it as env.

import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Variables that steer @azure/identity towards real Entra ID or real managed identity. */
export const STRIPPED_AZURE_VARIABLES: readonly string[] = [
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
  'AZURE_TENANT_ID',
  'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'AZURE_REGIONAL_AUTHORITY_NAME',
  'AZURE_TOKEN_CREDENTIALS',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'AZURE_OPENAI_API_KEY',
  'AZURE_OPENAI_ENDPOINT',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_API_VERSION',
  'FAKE_AZ_MODE',
];

export type FakeAzMode = 'loggedIn' | 'loggedOut' | 'notInstalled';

export interface IsolatedAzureEnvironmentOptions {
  /** AZURE_POD_IDENTITY_AUTHORITY_HOST (ManagedIdentityStandIn.endpoint). */
  managedIdentityHost?: string;
  /** IDENTITY_ENDPOINT + IDENTITY_HEADER instead (App Service style). */
  appServiceIdentity?: { endpoint: string; header: string };
  /** How the fake `az` behaves (default loggedIn). */
  azMode?: FakeAzMode;
  /** The environment to start from (default process.env). */
  base?: NodeJS.ProcessEnv;
}

/** The folder holding the fake `az`, in the source tree (tsc does not copy it to out/). */
export const FAKE_AZ_DIR = join(repositoryRoot(), 'test', 'standin', 'fake-az');

export function isolatedAzureEnvironment(options: IsolatedAzureEnvironmentOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.base ?? process.env) };
  for (const name of STRIPPED_AZURE_VARIABLES) {delete env[name];}
  if (options.managedIdentityHost) {env.AZURE_POD_IDENTITY_AUTHORITY_HOST = options.managedIdentityHost;}
  if (options.appServiceIdentity) {
    env.IDENTITY_ENDPOINT = options.appServiceIdentity.endpoint;
    env.IDENTITY_HEADER = options.appServiceIdentity.header;
  }
  env.FAKE_AZ_MODE = options.azMode ?? 'loggedIn';
  const path = (env.PATH ?? '').split(delimiter).filter((entry) => entry && entry !== FAKE_AZ_DIR);
  env.PATH = [FAKE_AZ_DIR, ...path].join(delimiter);
  return env;
}

/** Replaces process.env's contents with env; returns a function that puts the old ones back. */
export function applyToProcessEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  replaceProcessEnv(env);
  return () => replaceProcessEnv(saved);
}

function replaceProcessEnv(env: NodeJS.ProcessEnv): void {
  // process.env must stay the same object: libraries keep references to it.
  for (const name of Object.keys(process.env)) {if (!(name in env)) {delete process.env[name];}}
  for (const [name, value] of Object.entries(env)) {if (value !== undefined) {process.env[name] = value;}}
}

function repositoryRoot(): string {
  // Compiled to out/test/standin, run from test/standin under ts-node: walk up to package.json.
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {throw new Error(`No package.json above ${__dirname}`);}
    dir = parent;
  }
  return dir;
}
