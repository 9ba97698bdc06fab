/**
 * The extension's own tools, done with VS Code's API: the definitions (names, schemas, what
 * each does to the world) are src/chat/workspaceToolDefinitions.ts. Every path goes through
 * resolveInWorkspace (symbolic links resolved, outside refused); edits are shown in VS Code's
 * diff editor before the approval and applied as one undoable WorkspaceEdit.
 */
import * as vscode from 'vscode';
import type { ToolPreview } from '../chat/toolApproval';
import type { ChatTool } from '../chat/toolLoop';
import { type ResolvedPath, resolveInWorkspace, type WorkspaceRoot } from '../chat/workspacePaths';
import {
  applyReplacements,
  integerField,
  lineRange,
  replacementsField,
  stringField,
  type WorkspaceToolDefinition,
  WorkspaceToolName,
  workspaceToolDefinitions,
} from '../chat/workspaceToolDefinitions';
import { runInTerminal } from './commandRunner';

export const proposalScheme = 'azure-openai-chat-proposal';

/** The proposed text of edits waiting for the user, served to the diff editor. */
export class ProposalDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  add(relativePath: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: proposalScheme, path: `/${relativePath}`, query: String(++this.counter) });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  remove(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }
}

function workspaceRoots(): WorkspaceRoot[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => ({ name: folder.name, path: folder.uri.fsPath }));
}

async function resolvePath(path: string): Promise<ResolvedPath> {
  return resolveInWorkspace(workspaceRoots(), path);
}

/** The text VS Code has for a file: an open editor's unsaved changes included. */
async function currentText(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

const definition = (name: string): WorkspaceToolDefinition => {
  const found = workspaceToolDefinitions.find((tool) => tool.name === name);
  if (!found) {
    throw new Error(`No definition for ${name}`);
  }
  return found;
};

const maxQueryLength = 200;
const maxSearchedLineLength = 2_000;

/** Files VS Code's search leaves out by default, and the ones nobody wants searched. */
const excluded = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}';

interface EditPreview extends ToolPreview {
  readonly uri: vscode.Uri;
  readonly before: string | undefined;
  readonly after: string;
}

function closeDiff(proposal: vscode.Uri, documents: ProposalDocuments): void {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.toString()) {
        void vscode.window.tabGroups.close(tab, true);
      }
    }
  }
  documents.remove(proposal);
}

/** Shows `before` -> `after` in the diff editor; the preview's dispose closes it. */
async function showDiff(resolved: ResolvedPath, before: string | undefined, after: string, title: string, documents: ProposalDocuments): Promise<EditPreview> {
  const uri = vscode.Uri.file(resolved.absolute);
  const proposal = documents.add(resolved.relative, after);
  const left = before === undefined ? documents.add(`${resolved.relative}.empty`, '') : uri;
  await vscode.commands.executeCommand('vscode.diff', left, proposal, title, { preview: true, preserveFocus: false });
  const lines = (text: string | undefined) => (text === undefined ? 0 : text.split('\n').length);
  return {
    title,
    detail: vscode.l10n.t('Review the change in the diff editor. {0}: {1} lines before, {2} after.', resolved.relative, lines(before), lines(after)),
    uri,
    before,
    after,
    dispose: () => {
      closeDiff(proposal, documents);
      if (left !== uri) {
        documents.remove(left);
      }
    },
  };
}

export function createWorkspaceTools(documents: ProposalDocuments): ChatTool[] {
  const readFile: ChatTool = {
    definition: definition(WorkspaceToolName.readFile),
    effect: 'read',
    prepare: async (input) => {
      const resolved = await resolvePath(stringField(input, 'path'));
      return { title: vscode.l10n.t('Read {0}', resolved.relative), detail: resolved.relative };
    },
    invoke: async (input) => {
      const resolved = await resolvePath(stringField(input, 'path'));
      if (!resolved.exists) {
        throw new Error(`${resolved.relative} does not exist.`);
      }
      const text = await currentText(vscode.Uri.file(resolved.absolute));
      return `${resolved.relative}\n${lineRange(text, integerField(input, 'startLine'), integerField(input, 'endLine'))}`;
    },
  };

  const findFiles: ChatTool = {
    definition: definition(WorkspaceToolName.findFiles),
    effect: 'read',
    invoke: async (input) => {
      const max = integerField(input, 'maxResults') ?? 200;
      const found = await vscode.workspace.findFiles(stringField(input, 'pattern'), excluded, max);
      const paths = found.map((uri) => vscode.workspace.asRelativePath(uri, true)).sort();
      return paths.length ? paths.join('\n') : 'No files match.';
    },
  };

  const searchText: ChatTool = {
    definition: definition(WorkspaceToolName.searchText),
    effect: 'read',
    invoke: async (input, signal) => {
      const query = stringField(input, 'query');
      const max = integerField(input, 'maxResults') ?? 100;
      // A model-written expression runs on every line: kept short, and lines are cut, so a
      // pathological pattern costs little on any one line.
      if (query.length > maxQueryLength) {
        throw new Error(`"query" is longer than ${maxQueryLength} characters.`);
      }
      const pattern = input && (input as { isRegex?: unknown }).isRegex === true ? new RegExp(query) : undefined;
      const files = await vscode.workspace.findFiles(stringField(input, 'include', true) ?? '**/*', excluded, 5000);
      const hits: string[] = [];
      for (const uri of files) {
        if (signal.aborted || hits.length >= max) {
          break;
        }
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.length > 1_000_000 || bytes.includes(0)) {
          continue; // large or binary
        }
        const lines = Buffer.from(bytes).toString('utf8').split(/\r?\n/);
        for (const [index, line] of lines.entries()) {
          const searched = line.length > maxSearchedLineLength ? line.slice(0, maxSearchedLineLength) : line;
          if (pattern ? pattern.test(searched) : searched.includes(query)) {
            hits.push(`${vscode.workspace.asRelativePath(uri, true)}:${index + 1}: ${line.slice(0, 300)}`);
            if (hits.length >= max) {
              break;
            }
          }
        }
      }
      return hits.length ? hits.join('\n') : 'No matches.';
    },
  };

  const problems: ChatTool = {
    definition: definition(WorkspaceToolName.problems),
    effect: 'read',
    invoke: async (input) => {
      const path = stringField(input, 'path', true);
      const entries: Array<[vscode.Uri, readonly vscode.Diagnostic[]]> = path
        ? [[vscode.Uri.file((await resolvePath(path)).absolute), vscode.languages.getDiagnostics(vscode.Uri.file((await resolvePath(path)).absolute))]]
        : vscode.languages.getDiagnostics();
      const lines: string[] = [];
      for (const [uri, diagnostics] of entries) {
        for (const diagnostic of diagnostics) {
          if (diagnostic.severity <= vscode.DiagnosticSeverity.Warning) {
            const severity = diagnostic.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning';
            lines.push(`${vscode.workspace.asRelativePath(uri, true)}:${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}: ${severity}: ${diagnostic.message}`);
          }
        }
      }
      return lines.length ? lines.join('\n') : 'No problems.';
    },
  };

  const proposeEdit: ChatTool = {
    definition: definition(WorkspaceToolName.proposeEdit),
    effect: 'write',
    prepare: async (input) => {
      const resolved = await resolvePath(stringField(input, 'path'));
      if (!resolved.exists) {
        throw new Error(`${resolved.relative} does not exist; use the create file tool for a new file.`);
      }
      const before = await currentText(vscode.Uri.file(resolved.absolute));
      const after = applyReplacements(before, replacementsField(input));
      return showDiff(resolved, before, after, vscode.l10n.t('Proposed edit: {0}', resolved.relative), documents);
    },
    invoke: async (_input, _signal, preview) => {
      const { uri, before, after } = preview as EditPreview;
      const document = await vscode.workspace.openTextDocument(uri);
      if (document.getText() !== before) {
        throw new Error('The file changed after the edit was shown; nothing was applied. Read it again.');
      }
      // One WorkspaceEdit: one step of Undo in the editor.
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(before.length)), after);
      if (!(await vscode.workspace.applyEdit(edit))) {
        throw new Error('VS Code did not apply the edit.');
      }
      await document.save();
      return `Applied the edit to ${vscode.workspace.asRelativePath(uri, true)} and saved it.`;
    },
  };

  const createFile: ChatTool = {
    definition: definition(WorkspaceToolName.createFile),
    effect: 'write',
    prepare: async (input) => {
      const resolved = await resolvePath(stringField(input, 'path'));
      if (resolved.exists) {
        throw new Error(`${resolved.relative} exists already; propose an edit instead.`);
      }
      return showDiff(resolved, undefined, stringField(input, 'content'), vscode.l10n.t('New file: {0}', resolved.relative), documents);
    },
    invoke: async (_input, _signal, preview) => {
      const { uri, after } = preview as EditPreview;
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, { ignoreIfExists: false, overwrite: false, contents: Buffer.from(after, 'utf8') });
      if (!(await vscode.workspace.applyEdit(edit))) {
        throw new Error('VS Code did not create the file (does it exist already?).');
      }
      return `Created ${vscode.workspace.asRelativePath(uri, true)}.`;
    },
  };

  const runCommand: ChatTool = {
    definition: definition(WorkspaceToolName.runCommand),
    effect: 'run',
    prepare: async (input) => {
      const command = stringField(input, 'command');
      const cwd = await resolvePath(stringField(input, 'cwd', true) ?? '.');
      return {
        title: vscode.l10n.t('Run a command in a terminal'),
        detail: `${command}\n\n${vscode.l10n.t('in {0}', cwd.relative === '.' ? cwd.root.name : `${cwd.root.name}/${cwd.relative}`)}`,
        // A grant covers this exact command line in this folder, never another one.
        grantKey: `${WorkspaceToolName.runCommand}:${cwd.absolute}:${command}`,
      };
    },
    invoke: async (input, signal) => {
      const command = stringField(input, 'command');
      const cwd = await resolvePath(stringField(input, 'cwd', true) ?? '.');
      const outcome = await runInTerminal(command, cwd.absolute, signal);
      const status = outcome.stopped ? 'Stopped by the user.' : `Exit code: ${outcome.exitCode ?? 'unknown'}`;
      return `${status}\n${outcome.output}`;
    },
  };

  return [readFile, findFiles, searchText, problems, proposeEdit, createFile, runCommand];
}
