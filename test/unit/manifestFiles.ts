// package.json and its string files, for the manifest tests: VS Code replaces every `%key%`
// string value of the manifest with package.nls.json's (or a locale's) text for that key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as T;
}

export const manifestStrings = readJson<Record<string, string>>('package.nls.json');

/** The text VS Code shows for a manifest value: `%key%` looked up, anything else as it is. */
export function localized(value: string | undefined, strings: Record<string, string> = manifestStrings): string | undefined {
  const key = /^%(.+)%$/.exec(value ?? '')?.[1];
  return key === undefined ? value : strings[key];
}
