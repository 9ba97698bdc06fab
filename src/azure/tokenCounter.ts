import type * as TokenizerBundle from './tokenizerBundle';

export type CountTokens = (text: string) => number;

/**
 * Counts tokens with gpt-tokenizer's o200k_base encoding, the encoding of every model the chat
 * adapts to (gpt-4o, gpt-4.1, o-series, gpt-5, codex); older gpt-4 and gpt-3.5 models use
 * cl100k_base, which counts within a few percent of it on English and code, inside the margin
 * the context budget keeps. Loaded on first use: the table is large and startup does not need it.
 * The esbuild plugin points the import at dist/tokenizer.js; tests load the package itself.
 */
let loading: Promise<CountTokens> | undefined;

export function loadTokenCounter(): Promise<CountTokens> {
  loading ??= Promise.resolve()
    .then(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tokenizer = require('gpt-tokenizer/encoding/o200k_base') as typeof TokenizerBundle;
      return cached((text) => tokenizer.countTokens(text));
    })
    // A VSIX without the tokenizer still chats: a generous estimate keeps the budget safe.
    .catch(() => estimateTokens);
  return loading;
}

/** About four characters a token, rounded up: the fallback when the tokenizer cannot load. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/** Long conversations are counted again on every send; a turn's text does not change. */
function cached(count: CountTokens): CountTokens {
  const counts = new Map<string, number>();
  return (text) => {
    if (text.length < 64) {
      return count(text);
    }
    let tokens = counts.get(text);
    if (tokens === undefined) {
      tokens = count(text);
      if (counts.size >= 1000) {
        counts.delete(counts.keys().next().value as string);
      }
      counts.set(text, tokens);
    }
    return tokens;
  };
}
