/**
 * Figure 6, linkify: does finding bare URLs stay linear in the length of the text? Inputs that
 * made it quadratic (issue 9, item 7): a whitespace-free run of URLs and minified JSON with a URL
 * in every object, at N and 4N characters (4N = the sizes reported: 40 KB and 31 KB).
 *
 * Side by side in this process: the webview's renderer (webview/markdown.ts, bounded linkify)
 * and the renderer as it was before, markdown-it's own linkify with the same URL length limit.
 * The figure is the renderer's cost at 4N ÷ N (linear ≈ 4×, quadratic ≈ 16×); the ms per render
 * of both are printed beside it, and so is markdown-it without linkify on the same text: its own
 * parsing of one long paragraph already grows faster than linearly here (≈ 6–8× for the JSON),
 * which is why the target leaves room above 4×.
 */
import MarkdownIt from 'markdown-it';
import { protocolLimits } from '../src/common/protocol';
import { minifiedJsonWithUrls, urlRun } from '../test/webview/corpus';
import { renderMarkdown } from '../webview/markdown';
import type { BenchContext } from './context';
import { type FigureResult, verdict } from './report';
import { ms, ratio, round } from './stats';

const targetRatio = 8;
/** Renders per measurement; the fastest counts (load only ever adds time). */
const repetitions = 15;
/** The old renderer takes seconds per render here: once is enough to show it. */
const oldRepetitions = 1;

/** markdown-it's linkify as markdown.ts configured it before: http(s) only, length limit. */
function oldLinkifyRenderer(): (source: string) => string {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  md.validateLink = (url) => /^https?:\/\//i.test(url) && url.length <= protocolLimits.maxUrlLength;
  return (source) => md.render(source);
}

/** The same markdown-it with no linkify at all: the floor under both. */
function noLinkifyRenderer(): (source: string) => string {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  return (source) => md.render(source);
}

function fastest(render: (source: string) => string, source: string, times: number): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    render(source);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const inputs = [
  { name: 'URL run', make: urlRun, large: 40_000 },
  { name: 'minified JSON', make: minifiedJsonWithUrls, large: 31_000 },
];

export function measureLinkifyCost(ctx: BenchContext): Promise<FigureResult[]> {
  const old = oldLinkifyRenderer();
  const floor = noLinkifyRenderer();
  // Warm-up: JIT and markdown-it's caches, for both.
  for (const render of [renderMarkdown, old, floor]) {
    render(`warm up https://example.com ${urlRun(3_000)}`);
  }
  const results: FigureResult[] = [];
  for (const { name, make, large } of inputs) {
    const small = large / 4;
    const [smallText, largeText] = [make(small), make(large)];
    const now = { small: fastest(renderMarkdown, smallText, repetitions), large: fastest(renderMarkdown, largeText, repetitions) };
    const before = { small: fastest(old, smallText, oldRepetitions), large: fastest(old, largeText, oldRepetitions) };
    const bare = { small: fastest(floor, smallText, repetitions), large: fastest(floor, largeText, repetitions) };
    const growth = now.large / now.small;
    const oldGrowth = before.large / before.small;
    ctx.log(
      `${name}: ${small} → ${large} chars: now ${ms(now.small)} → ${ms(now.large)} (${ratio(growth)}), ` +
        `before (markdown-it's linkify with the length limit) ${ms(before.small)} → ${ms(before.large)} (${ratio(oldGrowth)}), ` +
        `no linkify ${ms(bare.small)} → ${ms(bare.large)} (${ratio(bare.large / bare.small)})`,
    );
    results.push({
      figure: `6. linkify, ${name}: cost at 4N ÷ N`,
      measured: `${ratio(growth)}; ${(large / 1000).toFixed(0)} KB: ${ms(now.large)} per render (before ${ms(before.large)})`,
      target: `≤ ${targetRatio}×`,
      verdict: verdict(growth, targetRatio),
      value: round(growth),
      limit: targetRatio,
      details: {
        small,
        large,
        nowMs: [round(now.small), round(now.large)],
        beforeMs: [round(before.small), round(before.large)],
        noLinkifyMs: [round(bare.small), round(bare.large)],
        beforeGrowth: round(oldGrowth),
      },
    });
  }
  return Promise.resolve(results);
}
