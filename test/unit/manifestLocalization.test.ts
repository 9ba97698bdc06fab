// Issue 22, "Localizable": every text the manifest shows to people is a `%key%` of
// package.nls.json, and the pseudo-locale (scripts/pseudo-locale.mjs) carries every key, so a
// run with `--locale=qps-ploc` shows English only where a string was missed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { manifestStrings, readJson, repoRoot } from './manifestFiles';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Where the manifest holds text for people (VS Code's extension manifest reference). `*` is any
 * array item or object member. Ids, commands, `when` clauses, defaults and paths are not text.
 */
const userVisible: readonly string[] = [
  'displayName',
  'description',
  'capabilities.untrustedWorkspaces.description',
  'capabilities.virtualWorkspaces.description',
  'contributes.commands.*.title',
  'contributes.commands.*.shortTitle',
  'contributes.commands.*.category',
  'contributes.configuration.title',
  'contributes.configuration.properties.*.description',
  'contributes.configuration.properties.*.markdownDescription',
  'contributes.configuration.properties.*.enumDescriptions.*',
  'contributes.configuration.properties.*.markdownEnumDescriptions.*',
  'contributes.configuration.properties.*.enumItemLabels.*',
  'contributes.configuration.properties.*.patternErrorMessage',
  'contributes.configuration.properties.*.deprecationMessage',
  'contributes.configuration.properties.*.markdownDeprecationMessage',
  'contributes.viewsContainers.*.*.title',
  'contributes.views.*.*.name',
  'contributes.views.*.*.contextualTitle',
  'contributes.viewsWelcome.*.contents',
  'contributes.submenus.*.label',
  'contributes.languageModelChatProviders.*.displayName',
  'contributes.walkthroughs.*.title',
  'contributes.walkthroughs.*.description',
  'contributes.walkthroughs.*.steps.*.title',
  'contributes.walkthroughs.*.steps.*.description',
  'contributes.walkthroughs.*.steps.*.media.altText',
];

/** Every string at `pattern` in `value`, with its concrete path. */
function stringsAt(value: Json | undefined, pattern: string[], path: string[] = []): Array<{ path: string; text: string }> {
  if (value === undefined || value === null) {
    return [];
  }
  if (pattern.length === 0) {
    return typeof value === 'string' ? [{ path: path.join('.'), text: value }] : [];
  }
  if (typeof value !== 'object') {
    return [];
  }
  const [head, ...rest] = pattern as [string, ...string[]];
  const entries: Array<[string, Json]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  return entries
    .filter(([key]) => head === '*' || key === head)
    .flatMap(([key, item]) => stringsAt(item, rest, [...path, key]));
}

/** Every `%key%` string anywhere in the manifest (VS Code replaces them wherever they are). */
function keysUsed(value: Json): string[] {
  if (typeof value === 'string') {
    const key = /^%(.+)%$/.exec(value)?.[1];
    return key === undefined ? [] : [key];
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return (Array.isArray(value) ? value : Object.values(value)).flatMap(keysUsed);
}

const manifest = readJson<Json>('package.json');
const pseudo = readJson<Record<string, string>>('package.nls.qps-ploc.json');

describe('package.json: localisation', () => {
  test('every text people see is a %key%, not English', () => {
    const texts = userVisible.flatMap((pattern) => stringsAt(manifest, pattern.split('.')));
    assert.ok(texts.length > 60, `only ${texts.length} texts found: is the list of places still right?`);
    assert.deepEqual(texts.filter(({ text }) => !/^%.+%$/.test(text)).map(({ path, text }) => `${path}: ${text}`), []);
  });

  test('every %key% has English text, and package.nls.json has no unused keys', () => {
    const used = new Set(keysUsed(manifest));
    assert.deepEqual([...used].filter((key) => typeof manifestStrings[key] !== 'string' || manifestStrings[key] === ''), []);
    assert.deepEqual(Object.keys(manifestStrings).filter((key) => !used.has(key)), []);
  });

  test('the pseudo-locale has every key, pseudo-localised', () => {
    assert.deepEqual(Object.keys(pseudo).sort(), Object.keys(manifestStrings).sort());
    for (const [key, text] of Object.entries(pseudo)) {
      assert.match(text, /^\[!! [\s\S]* !!\]$/, key);
      assert.notEqual(text.slice(4, -4), manifestStrings[key], `${key} is not pseudo-localised`);
    }
  });

  test('the pseudo-locale keeps links, commands and code as they are', () => {
    for (const [key, english] of Object.entries(manifestStrings)) {
      for (const verbatim of english.match(/`[^`]*`|\]\([^)]*\)/g) ?? []) {
        assert.ok(pseudo[key]?.includes(verbatim), `${key} lost ${verbatim}`);
      }
    }
  });

  test('package.nls.qps-ploc.json is what scripts/pseudo-locale.mjs makes of package.nls.json', () => {
    // Exits 1 with "out of date" when someone changed package.nls.json and not the pseudo-locale.
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'pseudo-locale.mjs'), '--check'], { stdio: 'pipe' });
  });
});
