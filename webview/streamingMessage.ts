/**
 * Renders one answer's markdown into its body element while it streams.
 *
 * Finished blocks (see blockSplitter.ts) are parsed once and their DOM appended before the
 * tail element; only the tail is re-rendered, at most once per frame (the list calls `paint`
 * from its frame callback). While the tail is an open code fence, new code is appended to a
 * text node instead of re-parsing the block, so a long code block streams at a flat cost too.
 *
 * Finished blocks are grouped in chunks of a dozen (`div.md-chunk`, `content-visibility: auto` in
 * chat.css): a frame lays out the chunks near the view, and the others cost nothing, so the last
 * delta of a 100k-character answer costs what the first did, and a delta carrying hundreds of
 * blocks (a fast stream) lays out only those that end up on screen.
 *
 * When the answer finishes, the HTML made piece by piece is compared with a full render of the
 * whole source; if they differ, the full render replaces it, so what stays on screen is always
 * the true rendering. With a link reference definition (which can change earlier blocks) that
 * happens at once; otherwise it is only a safety net for cases the splitter did not foresee, run
 * in idle time so the last paint of a long answer costs no more than the others.
 */
import { BlockSplitter } from './blockSplitter';
import { whenIdle } from './idle';
import { renderMarkdown } from './markdown';
import { notifyPainted } from './paintEvents';

/**
 * Top-level blocks per chunk. Counted in blocks, not in deltas: a fast stream hands over
 * thousands of characters per frame, and one chunk holding all of them would be laid out whole
 * because its end is on screen.
 */
const blocksPerChunk = 12;

export class StreamingMessage {
  private readonly splitter = new BlockSplitter();
  /** Source and HTML of the finished blocks, kept for the final check (joined only then). */
  private readonly finishedSources: string[] = [];
  private readonly finishedHtmls: string[] = [];
  private finishedLength = 0;
  /** `display: contents` wrapper holding the rendering of the growing tail. */
  private readonly tail: HTMLElement;
  private chunk: HTMLElement | undefined;
  private blocksInChunk = 0;
  /** Length of `splitter.tail` currently rendered in `tail`, and the HTML it came from. */
  private tailLength = 0;
  private tailHtml = '';
  /** Set while the tail is an open code fence rendered as a growing text node. */
  private code: { readonly text: Text; upTo: number } | undefined;
  private dirty = false;

  constructor(
    private readonly body: HTMLElement,
    private readonly messageId: string,
  ) {
    this.tail = document.createElement('div');
    this.tail.className = 'md-tail';
    body.append(this.tail);
  }

  get length(): number {
    return this.finishedLength + this.splitter.tail.length;
  }

  get needsPaint(): boolean {
    return this.dirty;
  }

  append(text: string): void {
    if (text.length > 0) {
      this.splitter.append(text);
      this.dirty = true;
    }
  }

  paint(): void {
    if (!this.dirty) {
      return;
    }
    this.dirty = false;
    const started = performance.now();
    const finished = this.splitter.takeFinished();
    if (finished.length > 0) {
      this.addFinished(finished, renderMarkdown(finished));
      this.tailLength = 0;
      this.tailHtml = '';
      this.code = undefined;
    }
    this.renderTail();
    notifyPainted({
      messageId: this.messageId,
      length: this.length,
      durationMs: performance.now() - started,
      final: false,
      rebuilt: false,
    });
  }

  /** The answer is complete: render what is left once and check the result. */
  finish(): void {
    const started = performance.now();
    const rest = this.splitter.takeRest();
    if (rest.length === this.tailLength && !this.code && this.tailLength > 0) {
      // The tail on screen already is the rendering of exactly this text: keep its nodes.
      this.finishedSources.push(rest);
      this.finishedHtmls.push(this.tailHtml);
      this.finishedLength += rest.length;
      this.appendBlocks(Array.from(this.tail.childNodes));
      this.tail.remove();
    } else {
      if (rest.length > 0) {
        this.addFinished(rest, renderMarkdown(rest));
      }
      this.tail.remove();
    }
    this.dirty = false;
    const rebuilt = this.splitter.sawReferenceDefinition && this.replaceIfWrong();
    this.notifyFinal(started, rebuilt);
    if (!this.splitter.sawReferenceDefinition) {
      whenIdle(() => {
        const checked = performance.now();
        if (this.body.isConnected && this.replaceIfWrong()) {
          this.notifyFinal(checked, true);
        }
      }, 2000);
    }
  }

  /** Renders the whole answer; if that differs from what was built piece by piece, shows it. */
  private replaceIfWrong(): boolean {
    const full = renderMarkdown(this.finishedSources.join(''));
    if (full === this.finishedHtmls.join('')) {
      return false;
    }
    this.body.innerHTML = full;
    this.finishedHtmls.splice(0, this.finishedHtmls.length, full);
    return true;
  }

  private notifyFinal(started: number, rebuilt: boolean): void {
    notifyPainted({
      messageId: this.messageId,
      length: this.finishedLength,
      durationMs: performance.now() - started,
      final: true,
      rebuilt,
    });
  }

  private addFinished(source: string, html: string): void {
    const parsed = document.createElement('template');
    parsed.innerHTML = html;
    this.appendBlocks(Array.from(parsed.content.childNodes));
    this.finishedSources.push(source);
    this.finishedHtmls.push(html);
    this.finishedLength += source.length;
  }

  /** Moves rendered blocks (and the whitespace between them) into chunks of `blocksPerChunk`. */
  private appendBlocks(nodes: readonly Node[]): void {
    for (const node of nodes) {
      const isBlock = node.nodeType === Node.ELEMENT_NODE;
      if (!this.chunk || (isBlock && this.blocksInChunk >= blocksPerChunk)) {
        this.chunk = document.createElement('div');
        this.chunk.className = 'md-chunk';
        this.tail.before(this.chunk);
        this.blocksInChunk = 0;
      }
      if (isBlock) {
        this.blocksInChunk++;
      }
      this.chunk.append(node);
    }
  }

  private renderTail(): void {
    const source = this.splitter.tail;
    if (source.length === this.tailLength) {
      return;
    }
    const codeStart = this.splitter.openFenceContentStart;
    if (codeStart !== undefined) {
      if (!this.code) {
        this.code = this.startCode(source.slice(0, codeStart));
      }
      if (this.code) {
        this.code.text.appendData(source.slice(this.code.upTo));
        this.code.upTo = source.length;
        this.tailLength = source.length;
        return;
      }
    }
    this.code = undefined;
    this.tailHtml = renderMarkdown(source);
    this.tail.innerHTML = this.tailHtml;
    this.tailLength = source.length;
  }

  /** Renders the fence's opening line (an empty code block with its toolbar) and finds its code. */
  private startCode(openingLine: string): { text: Text; upTo: number } | undefined {
    this.tail.innerHTML = renderMarkdown(openingLine);
    const code = this.tail.querySelector('pre > code');
    if (!code) {
      return undefined;
    }
    const text = document.createTextNode('');
    code.replaceChildren(text);
    return { text, upTo: openingLine.length };
  }
}
