#!/usr/bin/env node
// Writes package.nls.qps-ploc.json, VS Code's pseudo-locale, from package.nls.json: every text
// wrapped in [!! … !!] with its letters accented, so a manifest string that bypasses
// package.nls.json shows up as plain English when VS Code runs with `--locale=qps-ploc`
// (or the display language "qps-ploc"). Code spans, link targets, URLs, `{0}` placeholders and
// `#setting.id#` references stay as they are: they are read by VS Code, not by people.
//
//   node scripts/pseudo-locale.mjs          write package.nls.qps-ploc.json
//   node scripts/pseudo-locale.mjs --check  exit 1 when the file is missing or out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'package.nls.json');
const target = join(root, 'package.nls.qps-ploc.json');

const accents = {
  a: 'à', b: 'ƀ', c: 'ç', d: 'ð', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'î', j: 'ĵ', k: 'ķ', l: 'ļ', m: 'ɱ',
  n: 'ñ', o: 'ö', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'û', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Å', B: 'Ɓ', C: 'Ç', D: 'Ð', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Î', J: 'Ĵ', K: 'Ķ', L: 'Ļ', M: 'Ṁ',
  N: 'Ñ', O: 'Ö', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Û', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

/** What must reach VS Code unchanged: `code`, ](link target), URLs, {0}, #setting.id#. */
const verbatim = /(`[^`]*`|\]\([^)]*\)|https?:\/\/[^\s)`]+|\{\d+\}|#[A-Za-z][\w.-]*#)/;

/** The pseudo-localised form of one string. */
export function pseudoLocalize(text) {
  const parts = text.split(verbatim);
  const body = parts
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[A-Za-z]/g, (letter) => accents[letter])))
    .join('');
  return `[!! ${body} !!]`;
}

export function pseudoLocaleFile(nls) {
  const out = {};
  for (const [key, value] of Object.entries(nls)) {
    out[key] = pseudoLocalize(value);
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = pseudoLocaleFile(JSON.parse(readFileSync(source, 'utf8')));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: reported below
    }
    if (current !== wanted) {
      console.error('package.nls.qps-ploc.json is out of date: run node scripts/pseudo-locale.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(target, wanted);
    console.log(`wrote ${target} (${Object.keys(JSON.parse(wanted)).length} strings)`);
  }
}
