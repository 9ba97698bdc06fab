import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findSecrets, isEnvFile, maskSecrets, type SecretKind, summarizeFindings } from '../../src/chat/secretScan';

/**
 * Issue 21: text that holds a secret is caught before it is sent, named, and masked so the model
 * never sees the value. The secrets here are generated (a fixed-seed generator), so this file
 * holds no secret-shaped literal for scanners, ours included, to trip over.
 */

let seed = 21;
function random(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[(seed >>> 12) % alphabet.length];
  }
  return out;
}
const hex = '0123456789abcdef';
const upperDigits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base64 = `${alnum}+/`;
const base64url = `${alnum}-_`;

const azureKey = random(hex, 32);
const azureKey84 = random(alnum, 84);
const storageKey = `${random(base64, 86)}==`;
const serviceBusKey = `${random(base64, 43)}=`;
const cosmosKey = `${random(base64, 86)}==`;
const sasSig = `${random(alnum, 43)}%3D`;
const awsKeyId = `AKIA${random(upperDigits, 16)}`;
const awsSecret = random(base64, 40);
const pemBody = Array.from({ length: 6 }, () => random(base64, 64)).join('\n');
const pem = (kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----\n${pemBody}\n-----END ${kind}PRIVATE KEY-----`;
const ghp = `ghp_${random(alnum, 36)}`;
const gho = `gho_${random(alnum, 36)}`;
const githubPat = `github_pat_${random(alnum, 22)}_${random(alnum, 59)}`;
const openAIKey = `sk-proj-${random(base64url, 48)}`;
const slackToken = `xoxb-${random('0123456789', 12)}-${random('0123456789', 12)}-${random(alnum, 24)}`;
const jwt = `eyJ${random(base64url, 30)}.eyJ${random(base64url, 60)}.${random(base64url, 43)}`;
const password = `Q7!${random(base64, 17)}`;

interface Case {
  readonly name: string;
  readonly text: string;
  readonly fileName?: string;
  readonly kind: SecretKind;
  readonly secret: string;
  readonly label?: RegExp;
}

const gcpJson = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'contoso-ml',
    private_key_id: random(hex, 40),
    private_key: `${pem('')}\n`,
    client_email: 'bot@contoso-ml.iam.gserviceaccount.com',
  },
  null,
  2,
);
const gcpPrivateKey = JSON.stringify(`${pem('')}\n`).slice(1, -1);

const cases: readonly Case[] = [
  { name: 'Azure OpenAI key (32 hex) in a .env assignment', text: `AZURE_OPENAI_API_KEY=${azureKey}\n`, kind: 'azureKey', secret: azureKey, label: /Azure OpenAI/ },
  { name: 'Azure AI services key (84 characters) in YAML', text: `azure:\n  cognitive_services_key: ${azureKey84}\n`, kind: 'azureKey', secret: azureKey84 },
  { name: 'Azure key as an api-key header', text: `curl -H "api-key: ${azureKey}" https://contoso.openai.azure.com/`, kind: 'azureKey', secret: azureKey },
  { name: 'Storage connection string', text: `"DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=${storageKey};EndpointSuffix=core.windows.net"`, kind: 'azureConnectionString', secret: storageKey, label: /Storage/ },
  { name: 'Service Bus connection string', text: `Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${serviceBusKey}`, kind: 'azureConnectionString', secret: serviceBusKey, label: /Service Bus/ },
  { name: 'Cosmos DB connection string', text: `COSMOS=AccountEndpoint=https://contoso.documents.azure.com:443/;AccountKey=${cosmosKey};`, kind: 'azureConnectionString', secret: cosmosKey, label: /Cosmos/ },
  { name: 'SAS URL signature', text: `https://contoso.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&sig=${sasSig}`, kind: 'azureSas', secret: sasSig },
  { name: 'AWS access key id', text: `aws_access_key_id = ${awsKeyId}`, kind: 'awsAccessKeyId', secret: awsKeyId },
  { name: 'AWS secret access key', text: `aws_secret_access_key = ${awsSecret}`, kind: 'awsSecretKey', secret: awsSecret },
  { name: 'GCP service account JSON', text: gcpJson, kind: 'gcpServiceAccountKey', secret: gcpPrivateKey.replace(/\\n$/, ''), label: /Google Cloud/ },
  { name: 'RSA private key', text: `key:\n${pem('RSA ')}\n`, kind: 'privateKey', secret: pem('RSA '), label: /RSA/ },
  { name: 'EC private key', text: pem('EC '), kind: 'privateKey', secret: pem('EC ') },
  { name: 'OpenSSH private key', text: pem('OPENSSH '), kind: 'privateKey', secret: pem('OPENSSH ') },
  { name: 'PKCS #8 private key', text: pem(''), kind: 'privateKey', secret: pem(''), label: /PKCS/ },
  { name: 'GitHub classic token', text: `git clone https://${ghp}@github.com/contoso/app`, kind: 'githubToken', secret: ghp },
  { name: 'GitHub OAuth token', text: `GH_TOKEN: ${gho}`, kind: 'githubToken', secret: gho },
  { name: 'GitHub fine-grained token', text: `token=${githubPat}`, kind: 'githubToken', secret: githubPat },
  { name: 'OpenAI key', text: `client = OpenAI(api_key="${openAIKey}")`, fileName: 'app.py', kind: 'openAIKey', secret: openAIKey },
  { name: 'Slack bot token', text: `SLACK=${slackToken}`, kind: 'slackToken', secret: slackToken },
  { name: 'JWT', text: `Authorization: Bearer ${jwt}`, kind: 'jwt', secret: jwt },
  { name: 'password in a connection string setting', text: `db:\n  password: ${password}\n`, kind: 'password', secret: password },
  { name: 'client secret in a string literal', text: `const clientSecret = '${password}';`, fileName: 'auth.ts', kind: 'password', secret: password },
  { name: 'any secret-named assignment in a .env file', text: 'DB_PASSWORD=hunter2\nLOG_LEVEL=debug\n', fileName: 'deploy.env', kind: 'envSecret', secret: 'hunter2' },
];

/** No run of `n` characters of the secret survives masking. */
function leaks(masked: string, secret: string, n = 8): string | undefined {
  for (let i = 0; i + n <= secret.length; i++) {
    const window = secret.slice(i, i + n);
    if (/^[-\s]+$|BEGIN|END|PRIVATE|KEY-/.test(window)) {
      continue;
    }
    if (masked.includes(window)) {
      return window;
    }
  }
  return undefined;
}

describe('secret scan', () => {
  for (const c of cases) {
    test(`finds and masks: ${c.name}`, () => {
      const findings = findSecrets(c.text, c.fileName);
      const finding = findings.find((f) => f.kind === c.kind);
      assert.ok(finding, `no ${c.kind} in ${JSON.stringify(findings)}`);
      assert.equal(c.text.slice(finding.start, finding.end), c.secret);
      if (c.label) {
        assert.match(finding.label, c.label);
      }
      const masked = maskSecrets(c.text, findings);
      assert.ok(masked.includes(`[masked: ${finding.label}]`), masked);
      assert.equal(leaks(masked, c.secret), undefined, `masked text still holds part of the secret: ${masked}`);
      // Nothing left for a second look to find.
      assert.deepEqual(findSecrets(masked, c.fileName), []);
    });
  }

  test('the outside run: deploy.env with an Azure OpenAI key is caught and named', () => {
    const text = `AZURE_OPENAI_ENDPOINT=https://contoso.openai.azure.com/\nAZURE_OPENAI_API_KEY=${azureKey}\nAZURE_OPENAI_DEPLOYMENT=gpt-4o\n`;
    const findings = findSecrets(text, 'deploy.env');
    assert.deepEqual(
      findings.map((f) => [f.kind, text.slice(f.start, f.end)]),
      [['azureKey', azureKey]],
    );
    assert.equal(maskSecrets(text, findings), text.replace(azureKey, '[masked: Azure OpenAI / AI services API key]'));
    assert.deepEqual(summarizeFindings(findings), [{ label: 'Azure OpenAI / AI services API key', count: 1 }]);
  });

  test('placeholders are not secrets', () => {
    const placeholders = [
      'AZURE_OPENAI_API_KEY=<your-key>',
      'AZURE_OPENAI_API_KEY=${AZURE_OPENAI_API_KEY}',
      'AZURE_OPENAI_API_KEY=$AZURE_OPENAI_API_KEY',
      'AZURE_OPENAI_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'api_key = "changeme"',
      'password: "your-password-here"',
      'token={{ secrets.TOKEN }}',
      'AccountKey=YOUR_ACCOUNT_KEY_GOES_HERE_XXXXXXXXXXX',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'OPENAI_API_KEY=sk-...',
      'secret = "********************"',
      'password=%DB_PASSWORD%',
      'AZURE_OPENAI_API_KEY=00000000000000000000000000000000',
    ];
    for (const text of placeholders) {
      assert.deepEqual(findSecrets(text, 'deploy.env'), [], text);
    }
  });

  test('code and prose that name secrets are not secrets', () => {
    const code = [
      'const token = await getToken();',
      '  password: options.password,',
      '  apiKey: string;',
      'const secret = process.env.AZURE_CLIENT_SECRET;',
      '  tokenScope: settings.tokenScope ?? defaultTokenScope,',
      '  secretName: "azureOpenAIChat.apiKey",',
      'Set the API key with `Azure OpenAI: Set API Key`; the key lives in secret storage.',
      '-----BEGIN PRIVATE KEY-----...-----END PRIVATE KEY-----',
      'password_hash = bcrypt(password)',
      'TOKEN_LIFETIME_SECONDS=3600',
    ];
    for (const text of code) {
      assert.deepEqual(findSecrets(text, 'settings.ts'), [], text);
    }
    // A secret-named setting in .env counts, but not a number or a flag.
    assert.deepEqual(findSecrets('TOKEN_LIFETIME_SECONDS=3600\nUSE_SECRET_STORE=true\n', '.env'), []);
  });

  test('low-entropy words under secret names are only secrets in .env files', () => {
    assert.deepEqual(findSecrets('DB_PASSWORD=hunter2', 'notes.txt'), []);
    assert.equal(findSecrets('DB_PASSWORD=hunter2', '.env.local')[0]?.kind, 'envSecret');
  });

  test('.env file names', () => {
    for (const name of ['.env', '.env.local', 'deploy.env', '/work/app/prod.env', 'C:\\app\\.env.production']) {
      assert.ok(isEnvFile(name), name);
    }
    for (const name of ['env.ts', '.env.example', 'sample.env.template', 'environment.json', undefined]) {
      assert.ok(!isEnvFile(name), String(name));
    }
  });

  test('several secrets: in order, no overlaps, each masked whole', () => {
    const text = `AZURE_OPENAI_API_KEY=${azureKey}\nSTORAGE="DefaultEndpointsProtocol=https;AccountName=c;AccountKey=${storageKey}"\nGITHUB_TOKEN=${ghp}\n`;
    const findings = findSecrets(text, '.env');
    assert.deepEqual(
      findings.map((f) => f.kind),
      ['azureKey', 'azureConnectionString', 'githubToken'],
    );
    for (let i = 1; i < findings.length; i++) {
      assert.ok((findings[i - 1]?.end ?? 0) <= (findings[i]?.start ?? 0));
    }
    const masked = maskSecrets(text, findings);
    for (const secret of [azureKey, storageKey, ghp]) {
      assert.equal(leaks(masked, secret, 6), undefined, masked);
    }
    assert.match(masked, /^AZURE_OPENAI_API_KEY=\[masked: Azure OpenAI \/ AI services API key\]\n/);
  });

  test('masking overlapping findings masks their union once', () => {
    const text = 'abc SECRETVALUE123 def';
    const masked = maskSecrets(text, [
      { kind: 'password', label: 'a', start: 4, end: 12 },
      { kind: 'password', label: 'b', start: 8, end: 18 },
    ]);
    assert.equal(masked, 'abc [masked: a] def');
  });
});
