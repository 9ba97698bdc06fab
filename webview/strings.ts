/**
 * The webview's strings: English (src/common/webviewStrings.ts) unless the host put a translated
 * table in #chat-root's `data-strings` (its initial state), read once before anything renders.
 */
import { formatString, mergeWebviewStrings, type WebviewStringKey, webviewStringsAttribute } from '../src/common/webviewStrings';

/** The page's document; absent when markdown.ts is loaded in plain node (unit tests, the bench). */
interface PageDocument {
  readonly documentElement: { readonly lang: string };
  getElementById(id: string): { getAttribute(name: string): string | null } | null;
}

function readTable(): ReturnType<typeof mergeWebviewStrings> {
  const page = (globalThis as { document?: PageDocument }).document;
  const raw = page?.getElementById('chat-root')?.getAttribute(webviewStringsAttribute);
  if (!raw) {
    return mergeWebviewStrings(undefined);
  }
  try {
    return mergeWebviewStrings(JSON.parse(raw));
  } catch {
    return mergeWebviewStrings(undefined);
  }
}

const table = readTable();

/** The string for `key`, with `{0}`, `{1}`... filled from `args`. */
export function t(key: WebviewStringKey, ...args: readonly (string | number)[]): string {
  return args.length > 0 ? formatString(table[key], ...args) : table[key];
}

/** The language the host gave the page (`<html lang>`), for dates; undefined: the browser's. */
export function pageLocale(): string | undefined {
  return (globalThis as { document?: PageDocument }).document?.documentElement.lang || undefined;
}
