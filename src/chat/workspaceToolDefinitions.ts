/**
 * The extension's own tools, defined once: the chat offers them to the model, and VS Code gets
 * them through package.json `languageModelTools` (test/unit/toolManifest.test.ts checks that the
 * two agree), so VS Code's chat and other extensions can call them too. The VS Code side that
 * does the work is src/tools/workspaceTools.ts.
 */
import type { ToolDefinition } from '../azure/modelRequest';
import type { ToolEffect } from './toolApproval';

export interface WorkspaceToolDefinition extends ToolDefinition {
  readonly effect: ToolEffect;
  /** What VS Code shows for the tool. */
  readonly displayName: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

const pathProperty = { type: 'string', description: 'A path relative to the workspace folder (in a multi-root workspace it may start with the folder name).' };

export const WorkspaceToolName = {
  readFile: 'aoaichat_read_file',
  findFiles: 'aoaichat_find_files',
  searchText: 'aoaichat_search_text',
  problems: 'aoaichat_problems',
  proposeEdit: 'aoaichat_propose_edit',
  createFile: 'aoaichat_create_file',
  runCommand: 'aoaichat_run_command',
} as const;

export const workspaceToolDefinitions: readonly WorkspaceToolDefinition[] = [
  {
    name: WorkspaceToolName.readFile,
    displayName: 'Read File',
    effect: 'read',
    description: 'Read a text file of the workspace, or a range of its lines (1-based, inclusive). Lines are returned as they are.',
    parameters: {
      type: 'object',
      properties: { path: pathProperty, startLine: { type: 'integer', minimum: 1 }, endLine: { type: 'integer', minimum: 1 } },
      required: ['path'],
    },
  },
  {
    name: WorkspaceToolName.findFiles,
    displayName: 'Find Files',
    effect: 'read',
    description: 'Find files of the workspace whose path matches a glob pattern such as "**/*.ts" or "src/**/test_*.py".',
    parameters: { type: 'object', properties: { pattern: { type: 'string' }, maxResults: { type: 'integer', minimum: 1, maximum: 500 } }, required: ['pattern'] },
  },
  {
    name: WorkspaceToolName.searchText,
    displayName: 'Search Text',
    effect: 'read',
    description: 'Search the text of the workspace files for a string (or a regular expression); returns path:line: text for each match.',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string' },
        isRegex: { type: 'boolean' },
        include: { type: 'string', description: 'A glob pattern limiting which files are searched.' },
        maxResults: { type: 'integer', minimum: 1, maximum: 500 },
      },
      required: ['query'],
    },
  },
  {
    name: WorkspaceToolName.problems,
    displayName: 'Problems',
    effect: 'read',
    description: "The Problems list: errors and warnings VS Code knows for the workspace's files, or for one file.",
    parameters: { type: 'object', properties: { path: pathProperty } },
  },
  {
    name: WorkspaceToolName.proposeEdit,
    displayName: 'Propose Edit',
    effect: 'write',
    description:
      'Propose an edit to an existing file: each edit replaces the exact text oldText (which must occur once) with newText. The user reviews the diff and applies it or not.',
    parameters: {
      type: 'object',
      properties: {
        path: pathProperty,
        edits: {
          type: 'array',
          items: { type: 'object', properties: { oldText: { type: 'string' }, newText: { type: 'string' } }, required: ['oldText', 'newText'] },
          minItems: 1,
        },
      },
      required: ['path', 'edits'],
    },
  },
  {
    name: WorkspaceToolName.createFile,
    displayName: 'Create File',
    effect: 'write',
    description: 'Create a new file in the workspace with the given content. Refused when the file exists. The user reviews it first.',
    parameters: { type: 'object', properties: { path: pathProperty, content: { type: 'string' } }, required: ['path', 'content'] },
  },
  {
    name: WorkspaceToolName.runCommand,
    displayName: 'Run Command',
    effect: 'run',
    description:
      'Run a shell command in a terminal in the workspace folder (after the user approves this exact command line) and return its output and exit code.',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string' }, cwd: { ...pathProperty, description: 'The folder to run in, relative to the workspace folder (default: the folder itself).' } },
      required: ['command'],
    },
  },
];

/** Reads a string field of a tool's input, or throws a message the model can act on. */
export function stringField(input: unknown, name: string, optional?: false): string;
export function stringField(input: unknown, name: string, optional: true): string | undefined;
export function stringField(input: unknown, name: string, optional = false): string | undefined {
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[name] : undefined;
  if (value === undefined && optional) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Error(`"${name}" must be a string.`);
  }
  return value;
}

export function integerField(input: unknown, name: string): number | undefined {
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[name] : undefined;
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`"${name}" must be a positive whole number.`);
  }
  return value;
}

export interface TextReplacement {
  readonly oldText: string;
  readonly newText: string;
}

export function replacementsField(input: unknown): TextReplacement[] {
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).edits : undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error('"edits" must be a list of { oldText, newText }.');
  }
  return value.map((edit) => ({ oldText: stringField(edit, 'oldText'), newText: stringField(edit, 'newText') }));
}

/**
 * A file's new text after replacing each `oldText` (which must occur exactly once, so an edit
 * can never land somewhere the model did not look).
 */
export function applyReplacements(text: string, edits: readonly TextReplacement[]): string {
  let result = text;
  for (const [index, edit] of edits.entries()) {
    if (!edit.oldText) {
      throw new Error(`Edit ${index + 1}: oldText is empty; use the create file tool for a new file.`);
    }
    const at = result.indexOf(edit.oldText);
    if (at < 0) {
      throw new Error(`Edit ${index + 1}: oldText was not found in the file; read the file again and quote it exactly.`);
    }
    if (result.indexOf(edit.oldText, at + 1) >= 0) {
      throw new Error(`Edit ${index + 1}: oldText occurs more than once; include more of the surrounding lines.`);
    }
    result = result.slice(0, at) + edit.newText + result.slice(at + edit.oldText.length);
  }
  return result;
}

/** Lines `start`..`end` (1-based, inclusive) of a text, each prefixed with its number. */
export function lineRange(text: string, start: number | undefined, end: number | undefined): string {
  const lines = text.split(/\r?\n/);
  const from = Math.min(Math.max(1, start ?? 1), lines.length);
  const to = Math.min(lines.length, Math.max(from, end ?? lines.length));
  return lines
    .slice(from - 1, to)
    .map((line, i) => `${from + i}: ${line}`)
    .join('\n');
}
