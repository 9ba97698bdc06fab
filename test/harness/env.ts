// The environment the offline VS Code gets in tests: the machine's, minus everything that could
// send a credential off the machine or make this VS Code think it runs inside another one.

/** Read by @azure/identity's EnvironmentCredential, managed identity and workload identity. */
const AZURE_CREDENTIAL_VARIABLES = [
  'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
  'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
  'AZURE_USERNAME', 'AZURE_PASSWORD', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST',
  'AZURE_REGIONAL_AUTHORITY_NAME', 'AZURE_TOKEN_CREDENTIALS', 'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'IDENTITY_SERVER_THUMBPRINT', 'IMDS_ENDPOINT',
  'MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_CONFIG_DIR',
  'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_API_KEY',
];

/** Prefixes of variables a parent VS Code, Electron or npm leaves behind. */
const INHERITED_PREFIXES = ['VSCODE_', 'ELECTRON_', 'npm_'];

/**
 * The machine's environment without Azure credentials and without a parent VS Code's, Electron's
 * or npm's variables, with `overrides` applied (an `undefined` value removes a variable).
 */
export function hermeticEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = inheritedEnv();
  for (const name of AZURE_CREDENTIAL_VARIABLES) {
    delete env[name];
  }
  return applyOverrides(env, overrides);
}

/** The machine's environment without a parent VS Code's, Electron's or npm's variables. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name !== 'NODE_OPTIONS' && !INHERITED_PREFIXES.some((p) => name.startsWith(p))) {
      env[name] = value;
    }
  }
  return env;
}

export function applyOverrides(
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string | undefined>,
): NodeJS.ProcessEnv {
  const result = { ...env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) {
      delete result[name];
    } else {
      result[name] = value;
    }
  }
  return result;
}
