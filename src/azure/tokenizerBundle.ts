/**
 * Entry point of dist/tokenizer.js: gpt-tokenizer's o200k_base encoding (the one of gpt-4o, the
 * o-series and gpt-5), built as a separate bundle that is loaded on the first send rather than at
 * startup (see esbuild.mjs). Its byte-pair table is most of the extension's size.
 */
export { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
