// Runs the Azure OpenAI stand-in by hand (and for `npm start` without a real endpoint):
//   node out/test/standin/cli.js [--port N] [--any-key] [--api-key K] [--deployment NAME[=MODEL]]...
// Without --deployment it serves gpt-4o-mini, gpt-5-mini and gpt-5-codex (see modelRules.ts).
// Prints one JSON line {"endpoint","deployment","apiKey","audience"} on stdout, then serves until
// SIGINT/SIGTERM. Accepts api-key `standin-key` (or any key with --any-key) and bearer tokens
// for https://cognitiveservices.azure.com.

import { AzureOpenAIStandIn, DEFAULT_AUDIENCE, DEFAULT_DEPLOYMENT, type DeploymentSpec } from './azureOpenAIStandIn';

const CLI_API_KEY = 'standin-key';

interface CliOptions {
  port: number;
  anyKey: boolean;
  apiKey: string;
  deployments: DeploymentSpec[];
}

const defaultDeployments: DeploymentSpec[] = [
  DEFAULT_DEPLOYMENT,
  { name: 'gpt-5-mini', model: 'gpt-5-mini-2025-08-07' },
  { name: 'gpt-5-codex', model: 'gpt-5-codex-2025-09-15' },
];

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: Number(process.env.STANDIN_PORT ?? 0), anyKey: false, apiKey: CLI_API_KEY, deployments: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) {throw new Error(`${arg} needs a value`);}
      return next;
    };
    if (arg === '--port') {options.port = Number(value());}
    else if (arg === '--any-key') {options.anyKey = true;}
    else if (arg === '--api-key') {options.apiKey = value();}
    else if (arg === '--deployment') {
      const [name = '', model] = value().split('=');
      options.deployments.push(model ? { name, model } : name);
    }
    else {throw new Error(`Unknown argument ${arg}`);}
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {throw new Error('--port must be 0-65535');}
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const deployments = options.deployments.length > 0 ? options.deployments : defaultDeployments;
  const standIn = await AzureOpenAIStandIn.start({
    port: options.port,
    apiKey: options.apiKey,
    acceptAnyApiKey: options.anyKey,
    deployments,
  });
  process.stdout.write(
    `${JSON.stringify({ endpoint: standIn.endpoint, deployment: standIn.deployments[0], deployments: standIn.deployments, apiKey: options.apiKey, audience: DEFAULT_AUDIENCE })}\n`,
  );
  const stop = (): void => {
    void standIn.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`stand-in: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
