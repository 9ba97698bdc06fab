/**
 * Azure's content filter annotations, read from whatever carries them: chat completions'
 * `prompt_filter_results[].content_filter_results` and `choices[].content_filter_results`, the
 * Responses API's top-level `content_filters[]` (`source_type` prompt or completion), and the
 * `innererror.content_filter_result` of a 400 `content_filter`. Only what the filter flagged is
 * kept: a severity above safe, a detection, or a block. Service text (a citation's URL and
 * license) stays untrusted; the webview shows it as text.
 */
import { type FilterCategory, filterCategories, type FilterFindingView } from '../common/protocol';

const categories: ReadonlySet<string> = new Set(filterCategories);
const maxCitationLength = 2048;

/** The flagged categories of one `content_filter_results` object; [] for anything else. */
export function readFilterResults(raw: unknown): FilterFindingView[] {
  if (!isRecord(raw)) {
    return [];
  }
  const findings: FilterFindingView[] = [];
  for (const [key, value] of Object.entries(raw)) {
    // Azure has written `self-harm` as well as `self_harm`.
    const category = key.replace('-', '_');
    if (!categories.has(category) || !isRecord(value)) {
      continue;
    }
    const filtered = value.filtered === true;
    const severity = typeof value.severity === 'string' ? value.severity : undefined;
    const detected = typeof value.detected === 'boolean' ? value.detected : undefined;
    if (!filtered && detected !== true && (severity === undefined || severity === 'safe')) {
      continue;
    }
    const citation = readCitation(value.citation);
    findings.push({ category: category as FilterCategory, filtered, ...(severity ? { severity } : {}), ...(detected !== undefined ? { detected } : {}), ...(citation ? { citation } : {}) });
  }
  return findings;
}

/** The prompt findings of a chat completions chunk (every prompt index together). */
export function promptFindings(chunk: unknown): FilterFindingView[] {
  const results = isRecord(chunk) ? chunk.prompt_filter_results : undefined;
  return Array.isArray(results) ? results.flatMap((entry: unknown) => readFilterResults(isRecord(entry) ? entry.content_filter_results : undefined)) : [];
}

/** The Responses API's `content_filters` of a response object, per source. */
export function responsesFindings(response: unknown): { readonly prompt: FilterFindingView[]; readonly completion: FilterFindingView[] } {
  const prompt: FilterFindingView[] = [];
  const completion: FilterFindingView[] = [];
  const entries = isRecord(response) ? response.content_filters : undefined;
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (isRecord(entry)) {
      (entry.source_type === 'prompt' ? prompt : completion).push(...readFilterResults(entry.content_filter_results));
    }
  }
  return { prompt, completion };
}

/** The verdicts of a 400 `content_filter` body (`error.innererror.content_filter_result`, or `..._results`). */
export function blockedPromptFindings(errorBody: unknown): FilterFindingView[] {
  const inner = isRecord(errorBody) && isRecord(errorBody.innererror) ? errorBody.innererror : undefined;
  return readFilterResults(inner?.content_filter_result ?? inner?.content_filter_results);
}

/** Findings gathered across chunks, each category once (a later verdict replaces an earlier one). */
export class FindingSet {
  private readonly byCategory = new Map<FilterCategory, FilterFindingView>();
  private signature = '';

  /** Adds findings; true when that changed what the set says. */
  add(findings: readonly FilterFindingView[]): boolean {
    for (const finding of findings) {
      this.byCategory.set(finding.category, finding);
    }
    const next = JSON.stringify([...this.byCategory.values()]);
    const changed = next !== this.signature;
    this.signature = next;
    return changed;
  }

  get findings(): FilterFindingView[] {
    return [...this.byCategory.values()];
  }
}

/** Words for a category, as the filter documentation names them. */
export function describeCategory(category: FilterCategory): string {
  switch (category) {
    case 'hate':
      return 'hate and fairness';
    case 'self_harm':
      return 'self-harm';
    case 'jailbreak':
      return 'prompt attack (jailbreak)';
    case 'indirect_attack':
      return 'indirect attack in attached content';
    case 'protected_material_text':
      return 'protected text';
    case 'protected_material_code':
      return 'protected code';
    default:
      return category;
  }
}

/** "violence (medium), protected code": the findings in a sentence. */
export function describeFindings(findings: readonly FilterFindingView[]): string {
  return findings.map((finding) => `${describeCategory(finding.category)}${finding.severity && finding.severity !== 'safe' ? ` (${finding.severity})` : ''}`).join(', ');
}

function readCitation(raw: unknown): { url: string; license: string } | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  // The documentation writes `URL`; accept `url` as well.
  const url = typeof raw.URL === 'string' ? raw.URL : typeof raw.url === 'string' ? raw.url : '';
  const license = typeof raw.license === 'string' ? raw.license : '';
  return url || license ? { url: url.trim().slice(0, maxCitationLength), license: license.trim().slice(0, 200) } : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
