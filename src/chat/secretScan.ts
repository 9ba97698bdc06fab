/**
 * Finds what looks like a secret in text about to be sent to the model (an attached file, a
 * selection, a pasted question) and masks it, so the user can be warned first (issue 21) and
 * "send masked" means the model never sees the value.
 *
 * Each finding spans the secret's value only (an assignment's name stays, so the model still
 * knows which setting the text is about). Masking replaces the whole value with a marker naming
 * the kind; no prefix of it is kept.
 *
 * False positives cost the user a dialog on every send, so values must look like real secrets:
 * a fixed shape (key prefixes, PEM armour, JWT structure, Azure key lengths) or, for names alone
 * (`password=`, `token:`), enough entropy; placeholders (`<your-key>`, `${VAR}`, `xxx`,
 * `changeme`, `...EXAMPLE`) never count. `npm run bench` figure 11 runs this over the repository's
 * own files; docs/security.md records what it found.
 */

export type SecretKind =
  | 'azureKey'
  | 'azureConnectionString'
  | 'azureSas'
  | 'awsAccessKeyId'
  | 'awsSecretKey'
  | 'gcpServiceAccountKey'
  | 'privateKey'
  | 'githubToken'
  | 'openAIKey'
  | 'slackToken'
  | 'jwt'
  | 'password'
  | 'envSecret';

export interface SecretFinding {
  readonly kind: SecretKind;
  /** What was found, for the warning and the mask marker, e.g. "Azure OpenAI API key". */
  readonly label: string;
  /** The value's span in the text: [start, end). */
  readonly start: number;
  readonly end: number;
}

/** Every kind with the label it is shown with (and masked as), in one place. */
export const secretLabels: Readonly<Record<SecretKind, string>> = {
  azureKey: 'Azure OpenAI / AI services API key',
  azureConnectionString: 'Azure connection string key',
  azureSas: 'Azure shared access signature',
  awsAccessKeyId: 'AWS access key ID',
  awsSecretKey: 'AWS secret access key',
  gcpServiceAccountKey: 'Google Cloud service account private key',
  privateKey: 'private key',
  githubToken: 'GitHub token',
  openAIKey: 'OpenAI API key',
  slackToken: 'Slack token',
  jwt: 'JSON Web Token',
  password: 'password or secret',
  envSecret: 'secret in an environment file',
};

/** Lower wins when two findings overlap: the most specific shape names the secret. */
const priority: Readonly<Record<SecretKind, number>> = {
  privateKey: 0,
  gcpServiceAccountKey: 0,
  azureConnectionString: 1,
  azureSas: 1,
  githubToken: 1,
  openAIKey: 1,
  slackToken: 1,
  awsAccessKeyId: 1,
  jwt: 1,
  awsSecretKey: 2,
  azureKey: 2,
  password: 3,
  envSecret: 4,
};

/** Words that mark a value as a stand-in for a secret, not a secret. */
const placeholderWords = /\[masked|x{3,}|\*{3,}|\.{3}|changeme|change[_-]me|your[_-]?|example|placeholder|dummy|redacted|replace[_-]?me|insert[_-]|todo|<[^>]*>|\$\{|\$\(|\{\{|%[A-Z_]+%/i;

/** True when a value is a placeholder rather than a secret. */
export function isPlaceholder(value: string): boolean {
  return placeholderWords.test(value) || /^(.)\1*$/.test(value) || /^\$[A-Za-z_]/.test(value);
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) {
    counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A value random enough to be a generated secret (not a word, a path or a version). */
function looksRandom(value: string): boolean {
  if (value.length < 12 || isPlaceholder(value)) {
    return false;
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  return (
    classes >= 2 &&
    entropy(value) >= 3.3 &&
    // Code and paths: `options.password`, `makeToken(resource`, `src/auth/token.ts`, URLs.
    !/^[A-Za-z_$][\w$]*(\.[\w$]+)+$/.test(value) &&
    !/[()[\]{}]/.test(value) &&
    !/^(https?:|\/|\.\.?\/)/.test(value) &&
    !/\/[\w.-]+\.[a-z]{1,5}$/.test(value)
  );
}

interface Rule {
  readonly kind: SecretKind;
  /** Group `value` (or the whole match) is the secret. */
  readonly pattern: RegExp;
  readonly accept?: (value: string, text: string, start: number) => boolean;
  readonly label?: (value: string, text: string, start: number) => string;
}

const notPlaceholder = (value: string) => !isPlaceholder(value);

/** Shapes that are secrets wherever they appear. */
const shapeRules: readonly Rule[] = [
  {
    kind: 'privateKey',
    // The armour, whether the newlines are real or JSON's `\n`; at least a line of key material.
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?:\\n|[\s\S]){0,80}?[A-Za-z0-9+/=]{40}[\s\S]*?(?:-----END \1-----|$)/g,
    label: (value, text, start) => {
      const kind = /BEGIN ([A-Z ]*?)PRIVATE KEY/.exec(value)?.[1]?.trim();
      const gcp = /"private_key"\s*:\s*"$/.test(text.slice(Math.max(0, start - 40), start)) && /"type"\s*:\s*"service_account"|client_email|private_key_id/.test(text);
      return gcp ? secretLabels.gcpServiceAccountKey : kind ? `${secretLabels.privateKey} (${kind})` : `${secretLabels.privateKey} (PKCS #8)`;
    },
  },
  {
    kind: 'azureConnectionString',
    pattern: /\b(?:AccountKey|SharedAccessKey|AccessKey)=(?<value>[A-Za-z0-9+/]{20,}={0,2})/g,
    accept: notPlaceholder,
    label: (_value, text, start) => {
      const line = text.slice(Math.max(0, text.lastIndexOf('\n', start) + 1), start);
      if (/AccountEndpoint=/i.test(line)) {
        return 'Azure Cosmos DB account key';
      }
      if (/SharedAccessKey=$/i.test(text.slice(Math.max(0, start - 20), start))) {
        return 'Azure Service Bus / Event Hubs shared access key';
      }
      return /DefaultEndpointsProtocol|BlobEndpoint|AccountName=/i.test(line) ? 'Azure Storage account key' : secretLabels.azureConnectionString;
    },
  },
  {
    kind: 'azureSas',
    // A SAS token's signature (the rest of the token is harmless without it).
    pattern: /[?&;]sv=\d{4}-\d{2}-\d{2}[^\s"'`]*?[&]sig=(?<value>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})/g,
    accept: notPlaceholder,
  },
  {
    kind: 'awsAccessKeyId',
    pattern: /\b(?<value>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})\b/g,
    accept: notPlaceholder,
  },
  {
    kind: 'githubToken',
    pattern: /\b(?<value>(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255}))\b/g,
    accept: notPlaceholder,
  },
  {
    kind: 'openAIKey',
    pattern: /\b(?<value>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,})/g,
    accept: (value) => !isPlaceholder(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && entropy(value) >= 3.5,
  },
  {
    kind: 'slackToken',
    pattern: /\b(?<value>xox[abposre]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/g,
    accept: notPlaceholder,
  },
  {
    kind: 'jwt',
    pattern: /\b(?<value>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})/g,
  },
];

/**
 * `name = value`, `name: value`, `"name": "value"`, `export NAME=value`, `--name value` is not
 * covered (command lines are rare in attachments and noisy). The value stops at whitespace, a
 * quote, a comma or a semicolon.
 */
const assignment = /(?<name>[A-Za-z_][A-Za-z0-9_.-]*)(?<close>["']?)[ \t]*(?<op>:=|=>|=|:)[ \t]*(?<quote>["'`]?)(?<value>[^\s"'`,;]+)/g;

const azureKeyValue = /^(?:[0-9a-f]{32}|[A-Za-z0-9]{84})$/i;
const keyName = /(?:^|[_.-])(?:api[_-]?key|key|apikey|subscription[_-]?key|access[_-]?key|account[_-]?key)$|apikey$/i;
const azureName = /azure|openai|aoai|cognitive|speech|translator|ocp[_-]?apim|apim/i;
const awsSecretName = /aws.*secret|secret[_-]?access[_-]?key/i;
const envSecretName = /key|secret|token|passw|pwd|credential|conn(?:ection)?[_-]?str(?:ing)?/i;
/** Not secrets whatever they are called: flags, counts, durations. */
const plainSetting = /^(?:\d+[a-z]{0,2}|true|false|yes|no|on|off|null|none|undefined)$/i;
/** Files where `name: value` at a line's start is code (an object literal), not a setting. */
const codeFile = /\.(?:[cm]?[jt]sx?|py|cs|java|go|rs|rb|php|kt|swift|c|cc|cpp|h|hpp|scala|vue|svelte)$/i;
/**
 * A secret word that ends the name or is followed by a separator: `apiKey`, `DB_PASSWORD`,
 * `opaqueToken`, `client_secret_value`; not `tokenizer`, `tokenScope`, `maxTokens`, `secretlint`.
 */
const secretName = /(?:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|conn(?:ection)?[_-]?str(?:ing)?)(?:$|[_.-])/i;

function assignmentFindings(text: string, fileName: string | undefined): SecretFinding[] {
  const envFile = isEnvFile(fileName);
  const settingsAtLineStart = !(fileName && codeFile.test(fileName));
  const found: SecretFinding[] = [];
  for (const match of text.matchAll(assignment)) {
    const { name = '', value = '', quote = '' } = match.groups ?? {};
    const start = (match.index ?? 0) + match[0].length - value.length;
    const end = start + value.length;
    if (isPlaceholder(value)) {
      continue;
    }
    const add = (kind: SecretKind, label = secretLabels[kind]) => found.push({ kind, label, start, end });
    if (keyName.test(name) && azureKeyValue.test(value) && (azureName.test(name) || entropy(value) >= 3.5)) {
      add('azureKey', azureName.test(name) ? 'Azure OpenAI / AI services API key' : 'API key');
      continue;
    }
    if (awsSecretName.test(name) && /^[A-Za-z0-9/+]{40}$/.test(value)) {
      add('awsSecretKey');
      continue;
    }
    const lineStart = text.lastIndexOf('\n', match.index ?? 0) + 1;
    const atLineStart = /^\s*(?:export\s+|set\s+|-\s+)?$/.test(text.slice(lineStart, match.index ?? 0));
    if (envFile && atLineStart && envSecretName.test(name) && value.length >= 4 && !plainSetting.test(value)) {
      add('envSecret', `${name} in an environment file`);
      continue;
    }
    // Names alone: only string literals or line-start settings (`.ini`, YAML, shell), and only
    // values random enough to be generated; `token = await getToken()` is code, not a secret.
    if (secretName.test(name) && (quote !== '' || (atLineStart && settingsAtLineStart)) && looksRandom(value)) {
      add('password', `value of ${name.replace(/^.*[.]/, '')}`);
    }
  }
  return found;
}

/** `.env`, `.env.local`, `deploy.env`, `prod.env.example` is not one (examples hold placeholders). */
export function isEnvFile(fileName: string | undefined): boolean {
  if (!fileName) {
    return false;
  }
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  return /^\.env(?:\.[a-z0-9_-]+)?$|\.env$/.test(base) && !/\.(?:example|sample|template|dist)$/.test(base);
}

/** What in `text` looks like a secret, in order, without overlaps. `fileName` turns on the `.env` rules. */
export function findSecrets(text: string, fileName?: string): SecretFinding[] {
  const candidates: SecretFinding[] = [];
  for (const rule of shapeRules) {
    for (const match of text.matchAll(rule.pattern)) {
      const value = match.groups?.value ?? match[0];
      const start = (match.index ?? 0) + match[0].indexOf(value);
      if (rule.accept && !rule.accept(value, text, start)) {
        continue;
      }
      const label = rule.label?.(value, text, start) ?? secretLabels[rule.kind];
      candidates.push({ kind: label === secretLabels.gcpServiceAccountKey ? 'gcpServiceAccountKey' : rule.kind, label, start, end: start + value.length });
    }
  }
  candidates.push(...assignmentFindings(text, fileName));
  candidates.sort((a, b) => priority[a.kind] - priority[b.kind] || a.start - b.start);
  const kept: SecretFinding[] = [];
  for (const candidate of candidates) {
    if (!kept.some((k) => candidate.start < k.end && k.start < candidate.end)) {
      kept.push(candidate);
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** The marker a masked value becomes. */
export function maskMarker(finding: Pick<SecretFinding, 'label'>): string {
  return `[masked: ${finding.label}]`;
}

/** `text` with every finding's whole value replaced by its marker. */
export function maskSecrets(text: string, findings: readonly SecretFinding[]): string {
  // Overlapping findings (from callers that merged lists) are masked as one span.
  const spans = [...findings].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const finding of spans) {
    if (finding.end <= at) {
      continue;
    }
    out += text.slice(at, Math.max(at, finding.start));
    if (finding.start >= at) {
      out += maskMarker(finding);
    }
    at = finding.end;
  }
  return out + text.slice(at);
}

/** Each label found with how often, in the order first found: what a warning names. */
export function summarizeFindings(findings: readonly SecretFinding[]): { readonly label: string; readonly count: number }[] {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    counts.set(finding.label, (counts.get(finding.label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => ({ label, count }));
}
