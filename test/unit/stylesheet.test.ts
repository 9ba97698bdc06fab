import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

/**
 * The chat's one stylesheet is edited by every feature. A lost closing brace does not fail the
 * build: the browser quietly nests every later rule inside the block left open (an @media query
 * no one matches), and everything after it renders unstyled.
 */
const css = readFileSync(join(__dirname, '..', '..', '..', 'media', 'chat.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

describe('media/chat.css', () => {
  test('every block it opens it closes, and no rule starts inside another by mistake', () => {
    let depth = 0;
    const nested: string[] = [];
    css.split('\n').forEach((line, index) => {
      // A selector at the start of a line is a top-level rule; inside a block it is a lost brace.
      if (depth > 0 && /^[.#a-z[:]/i.test(line)) {
        nested.push(`${index + 1}: ${line.trim()}`);
      }
      for (const char of line) {
        depth += char === '{' ? 1 : char === '}' ? -1 : 0;
        assert.ok(depth >= 0, `a } without a { at line ${index + 1}`);
      }
    });
    assert.deepEqual(nested.slice(0, 5), [], 'rules written at the top level sit inside an unclosed block');
    assert.equal(depth, 0, 'a block is never closed');
  });
});
