/**
 * Splits a growing markdown answer into finished blocks and a growing tail.
 *
 * Text only ever gets appended. A prefix is finished when nothing appended later can change
 * how it renders; the renderer turns it into DOM once and from then on re-renders only the
 * tail. The splitter looks at each line once (it keeps its state between calls), so the cost
 * of a delta does not grow with the length of the answer.
 *
 * A cut is made only where CommonMark guarantees the blocks before it are closed:
 * - after a blank line, unless a list (a later item or an indented line may continue it) or
 *   an indented code block (it may go on after blank lines) is open;
 * - before the first line after such a blank line that cannot continue the list or code:
 *   unindented and not a list marker (or, for indented code, indented less than 4);
 * - before a fence opener or an ATX heading, which interrupt a paragraph, table or quote;
 * - after an ATX heading (one line long) and after a fence's closing line;
 * - never inside a fence.
 * When unsure it does not cut: that costs only re-rendering a longer tail. The list case is
 * deliberately coarse (a list stays in the tail until something that is not part of it
 * follows a blank line). Link reference definitions can reach back to earlier blocks: the
 * splitter notes having seen one, and streamingMessage.ts re-renders the whole answer at the end.
 */

interface Fence {
  readonly marker: number;
  readonly length: number;
  /** Opened outside a list, so its closing line ends a top-level block. */
  readonly topLevel: boolean;
  /** Offset in `pending` where the opening line starts, and where its content starts. */
  start: number;
  contentStart: number;
  readonly column: number;
}

const space = 0x20;
const tab = 0x09;
const carriageReturn = 0x0d;
const backtick = 0x60;
const tilde = 0x7e;
const hash = 0x23;

export class BlockSplitter {
  /** Text not finished yet; its first character is where the tail starts. */
  private pending = '';
  /** `pending[0, scanned)` is complete lines already looked at. */
  private scanned = 0;
  /** There is no newline in `pending[scanned, searchFrom)`: a long last line is searched once. */
  private searchFrom = 0;
  private fence: Fence | undefined;
  private listOpen = false;
  private previousBlank = false;
  private lastColumn = 0;
  private regionHasContent = false;
  private referenceDefinition = false;

  append(text: string): void {
    this.pending += text;
  }

  /** The unfinished text, to be rendered as the growing tail. */
  get tail(): string {
    return this.pending;
  }

  /**
   * When the tail starts with a fence that is still open (opened unindented, outside a list), the
   * offset in `tail` where its code starts: the tail then renders as that code, verbatim.
   */
  get openFenceContentStart(): number | undefined {
    const fence = this.fence;
    return fence && fence.start === 0 && fence.topLevel && fence.column === 0 ? fence.contentStart : undefined;
  }

  /**
   * A line looked like a link reference definition (`[label]: url`): it can give meaning to
   * `[label]` in blocks already finished, so block-by-block rendering may be wrong.
   */
  get sawReferenceDefinition(): boolean {
    return this.referenceDefinition;
  }

  /** Looks at the lines completed since the last call; removes and returns the finished prefix. */
  takeFinished(): string {
    let cut = 0;
    for (;;) {
      const newline = this.pending.indexOf('\n', Math.max(this.searchFrom, this.scanned));
      if (newline < 0) {
        this.searchFrom = this.pending.length;
        break;
      }
      const start = this.scanned;
      this.scanned = this.searchFrom = newline + 1;
      cut = Math.max(cut, this.scanLine(start, newline));
    }
    cut = Math.max(cut, this.cutBeforeIncompleteLine());
    return this.remove(cut);
  }

  /** The answer is complete: everything left is finished. */
  takeRest(): string {
    const rest = this.pending;
    if (/^ {0,3}\[[^\]\n]*\]:/m.test(rest.slice(this.scanned))) {
      this.referenceDefinition = true;
    }
    this.pending = '';
    this.scanned = this.searchFrom = 0;
    this.fence = undefined;
    this.resetRegion();
    return rest;
  }

  /** Classifies the complete line `pending[start, end)`; returns where to cut (0 for nowhere). */
  private scanLine(start: number, end: number): number {
    const text = this.pending;
    if (this.fence) {
      if (closesFence(text, start, end, this.fence)) {
        const topLevel = this.fence.topLevel;
        this.fence = undefined;
        this.previousBlank = false;
        this.lastColumn = 0;
        if (topLevel) {
          return this.cutAt(end + 1);
        }
      }
      return 0;
    }

    const { column, first } = indentation(text, start, end);
    if (first >= end) {
      this.previousBlank = true;
      if (this.regionHasContent && !this.listOpen && this.lastColumn < 4) {
        return this.cutAt(end + 1);
      }
      return 0;
    }

    const couldStartBlock = column <= 3;
    if (couldStartBlock && text.charCodeAt(first) === 0x5b && text.slice(first, end).includes(']:')) {
      this.referenceDefinition = true;
    }
    const marker = couldStartBlock && isListMarker(text, first, end);
    const fenceOpener = couldStartBlock ? openingFence(text, first, end) : undefined;
    const heading = couldStartBlock && isAtxHeading(text, first, end);

    let cut = 0;
    if (this.regionHasContent) {
      if (this.previousBlank) {
        if (this.listOpen ? column === 0 && !marker : couldStartBlock) {
          cut = this.cutAt(start);
        }
      } else if (!this.listOpen && (fenceOpener || heading)) {
        cut = this.cutAt(start);
      }
    }

    this.regionHasContent = true;
    this.previousBlank = false;
    this.lastColumn = column;
    if (marker) {
      this.listOpen = true;
    }
    if (fenceOpener) {
      this.fence = { ...fenceOpener, topLevel: !this.listOpen, start, contentStart: end + 1, column };
    } else if (heading && !this.listOpen) {
      cut = this.cutAt(end + 1);
    }
    return cut;
  }

  /**
   * After a blank line inside a list, the unfinished last line may already show that it starts a
   * new block (its first character cannot begin a list item or an indented line). Cutting then,
   * rather than at its newline, keeps a long last paragraph out of the list's tail.
   */
  private cutBeforeIncompleteLine(): number {
    if (!this.regionHasContent || !this.previousBlank || this.fence || this.scanned >= this.pending.length) {
      return 0;
    }
    const first = this.pending.charCodeAt(this.scanned);
    if (first === space || first === tab || first === carriageReturn) {
      return 0;
    }
    if (this.listOpen && (first === 0x2d || first === 0x2b || first === 0x2a || (first >= 0x30 && first <= 0x39))) {
      return 0;
    }
    return this.cutAt(this.scanned);
  }

  private cutAt(offset: number): number {
    this.resetRegion();
    return offset;
  }

  private resetRegion(): void {
    this.listOpen = false;
    this.previousBlank = false;
    this.lastColumn = 0;
    this.regionHasContent = false;
  }

  private remove(cut: number): string {
    if (cut <= 0) {
      return '';
    }
    const finished = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    this.scanned -= cut;
    this.searchFrom -= cut;
    if (this.fence) {
      this.fence.start -= cut;
      this.fence.contentStart -= cut;
    }
    return finished;
  }
}

/** Columns of leading whitespace (tabs to the next multiple of 4) and the first other character. */
function indentation(text: string, start: number, end: number): { column: number; first: number } {
  let column = 0;
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === space) {
      column++;
    } else if (c === tab) {
      column += 4 - (column % 4);
    } else if (c !== carriageReturn) {
      break;
    }
  }
  return { column, first: i };
}

function isBlankOrEnd(text: string, i: number, end: number): boolean {
  if (i >= end) {
    return true;
  }
  const c = text.charCodeAt(i);
  return c === space || c === tab || c === carriageReturn;
}

/** `-`, `+`, `*`, or 1-9 digits and `.`/`)`, followed by whitespace or the end of the line. */
function isListMarker(text: string, first: number, end: number): boolean {
  const c = text.charCodeAt(first);
  if (c === 0x2d || c === 0x2b || c === 0x2a) {
    return isBlankOrEnd(text, first + 1, end);
  }
  let i = first;
  while (i < end && i - first < 9 && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
    i++;
  }
  if (i === first || i >= end) {
    return false;
  }
  const delimiter = text.charCodeAt(i);
  return (delimiter === 0x2e || delimiter === 0x29) && isBlankOrEnd(text, i + 1, end);
}

function isAtxHeading(text: string, first: number, end: number): boolean {
  let i = first;
  while (i < end && text.charCodeAt(i) === hash) {
    i++;
  }
  const level = i - first;
  return level >= 1 && level <= 6 && isBlankOrEnd(text, i, end);
}

function runLength(text: string, from: number, end: number, marker: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) === marker) {
    i++;
  }
  return i - from;
}

/** Three or more backticks (info without backticks) or tildes, as markdown-it's fence rule. */
function openingFence(text: string, first: number, end: number): { marker: number; length: number } | undefined {
  const marker = text.charCodeAt(first);
  if (marker !== backtick && marker !== tilde) {
    return undefined;
  }
  const length = runLength(text, first, end, marker);
  if (length < 3) {
    return undefined;
  }
  if (marker === backtick && text.slice(first + length, end).includes('`')) {
    return undefined;
  }
  return { marker, length };
}

function closesFence(text: string, start: number, end: number, fence: Fence): boolean {
  const { column, first } = indentation(text, start, end);
  if (column > 3 || text.charCodeAt(first) !== fence.marker) {
    return false;
  }
  const length = runLength(text, first, end, fence.marker);
  if (length < fence.length) {
    return false;
  }
  for (let i = first + length; i < end; i++) {
    if (!isBlankOrEnd(text, i, end)) {
      return false;
    }
  }
  return true;
}
