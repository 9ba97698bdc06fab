import * as vscode from 'vscode';
import { type AttachableBytes, maxAttachmentReadBytes, type PickedContext, readFileForAttachment } from '../chat/editorContext';
import type { EditorActions } from '../webviewHost/conversationController';
import { checkSecretsBeforeSending } from './secretPrompt';

/**
 * The conversations feature's hands in VS Code: puts code where the user asked, reads the files
 * the user picked (and nothing else), asks for titles, saves exports. Text editors are tracked
 * because the chat panel, when focused, is itself the active editor: "the cursor" is in the last
 * text editor the user was in.
 */
export function createEditorActions(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): EditorActions & { lastTextEditor(): vscode.TextEditor | undefined } {
  let lastEditor = vscode.window.activeTextEditor;
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) {
        lastEditor = editor;
      }
    }),
  );
  const lastTextEditor = (): vscode.TextEditor | undefined => {
    const active = vscode.window.activeTextEditor;
    if (active) {
      return active;
    }
    // Still open? A closed editor's document is gone from the visible ones.
    return lastEditor && vscode.window.visibleTextEditors.includes(lastEditor) ? lastEditor : vscode.window.visibleTextEditors[0];
  };

  return {
    lastTextEditor,
    async insertCode(code) {
      const editor = lastTextEditor();
      if (!editor) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Open a file to insert the code into, then try again.'));
        return;
      }
      await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
      const inserted = await editor.edit((edit) => {
        for (const selection of editor.selections) {
          edit.replace(selection, code);
        }
      });
      if (!inserted) {
        void vscode.window.showWarningMessage(vscode.l10n.t('The code could not be inserted: the file may be read-only.'));
      }
    },
    async openCode(code, language) {
      const known = await vscode.languages.getLanguages();
      const languageId = known.includes(language) ? language : aliasOf(language, known);
      const document = await vscode.workspace.openTextDocument({ content: code, ...(languageId ? { language: languageId } : {}) });
      await vscode.window.showTextDocument(document, { preview: false });
    },
    async activeFile() {
      const editor = lastTextEditor();
      if (!editor) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a file to attach it.'));
        return undefined;
      }
      return fromDocument(editor.document);
    },
    async pickFiles() {
      const uris = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: vscode.l10n.t('Attach'),
        title: vscode.l10n.t('Attach files to the question'),
        ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
      });
      return readAll(uris ?? [], log);
    },
    async readUris(uris) {
      const parsed: vscode.Uri[] = [];
      for (const text of uris) {
        try {
          parsed.push(vscode.Uri.parse(text, true));
        } catch {
          log.warn('A dropped item was not a file URI; ignored');
        }
      }
      return readAll(parsed, log);
    },
    async askTitle(current) {
      return vscode.window.showInputBox({
        title: vscode.l10n.t('Rename Conversation'),
        prompt: vscode.l10n.t('The title shown in the conversation history'),
        value: current,
        validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('A title cannot be empty.')),
      });
    },
    async exportMarkdown(title, markdown) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const fileName = `${title.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'conversation'}.md`;
      const target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export Conversation as Markdown'),
        filters: { Markdown: ['md'] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
      });
      if (!target) {
        return;
      }
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
      await vscode.window.showTextDocument(target, { preview: true });
    },
    checkSecrets(text, source) {
      // A `.env`-named attachment turns on the rules for its assignments.
      return source.kind === 'question'
        ? checkSecretsBeforeSending(text, vscode.l10n.t('Your question'))
        : checkSecretsBeforeSending(text, source.name, source.name.replace(/:\d+(-\d+)?$/, ''));
    },
    notifyKept(title) {
      void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" was deleted in another window. It is kept, because you went on with it here.', title));
    },
    async copyText(text) {
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Answer copied as Markdown'), 2000);
    },
  };
}

/** The selection of an editor (or its current line when nothing is selected), for "Ask about Selection". */
export function selectionContext(editor: vscode.TextEditor): PickedContext | undefined {
  const selection = editor.selection;
  const range = selection.isEmpty ? editor.document.lineAt(selection.active.line).range : selection;
  const text = editor.document.getText(range);
  if (!text.trim()) {
    return undefined;
  }
  const lines = range.start.line === range.end.line ? `${range.start.line + 1}` : `${range.start.line + 1}-${range.end.line + 1}`;
  return { kind: 'selection', name: `${displayName(editor.document.uri)}:${lines}`, language: editor.document.languageId, text };
}

function fromDocument(document: vscode.TextDocument): PickedContext {
  return { kind: 'file', name: displayName(document.uri), language: document.languageId, text: document.getText() };
}

function displayName(uri: vscode.Uri): string {
  return uri.scheme === 'untitled' ? uri.path : vscode.workspace.asRelativePath(uri);
}

async function readAll(uris: readonly vscode.Uri[], log: vscode.LogOutputChannel): Promise<PickedContext[]> {
  const picked: PickedContext[] = [];
  for (const uri of uris) {
    try {
      // An open document has the user's unsaved text and its language.
      const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
      if (open) {
        picked.push(fromDocument(open));
        continue;
      }
      const read = await readCapped(uri);
      if (!read) {
        continue; // A folder: nothing to attach.
      }
      const head = read.bytes;
      if (head.subarray(0, 8000).includes(0)) {
        void vscode.window.showWarningMessage(vscode.l10n.t('{0} looks like a binary file and was not attached.', displayName(uri)));
        continue;
      }
      if (read.cut) {
        // Cut later to the attachment limit anyway; the language is not needed to send a start.
        picked.push({ kind: 'file', name: displayName(uri), language: '', text: new TextDecoder().decode(head) });
        continue;
      }
      picked.push(fromDocument(await vscode.workspace.openTextDocument(uri)));
    } catch (error) {
      log.warn(`Could not read a file to attach: ${error instanceof Error ? error.message : String(error)}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Could not read {0}.', displayName(uri)));
    }
  }
  return picked;
}

/**
 * At most `maxAttachmentReadBytes` of a regular file; undefined for a folder. Local files go
 * through `readFileForAttachment` (FIFOs and devices refused on the open handle); other file
 * systems are asked for the type and size first, and a file larger than the cap is not read.
 */
async function readCapped(uri: vscode.Uri): Promise<AttachableBytes | undefined> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) {
    return undefined;
  }
  if (uri.scheme === 'file') {
    return readFileForAttachment(uri.fsPath);
  }
  if (!(stat.type & vscode.FileType.File)) {
    throw new Error('not a regular file');
  }
  if (stat.size > maxAttachmentReadBytes) {
    throw new Error(`larger than ${maxAttachmentReadBytes} bytes`);
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return { bytes: bytes.subarray(0, maxAttachmentReadBytes), size: bytes.length, cut: bytes.length > maxAttachmentReadBytes };
}

/** Fence labels models use that are not VS Code language ids. */
function aliasOf(language: string, known: readonly string[]): string | undefined {
  const aliases: Record<string, string> = { ts: 'typescript', js: 'javascript', py: 'python', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', shell: 'shellscript', yml: 'yaml', md: 'markdown', cs: 'csharp', 'c#': 'csharp', rb: 'ruby', rs: 'rust', kt: 'kotlin', ps1: 'powershell', jsx: 'javascriptreact', tsx: 'typescriptreact' };
  const alias = aliases[language.toLowerCase()];
  return alias && known.includes(alias) ? alias : known.includes(language.toLowerCase()) ? language.toLowerCase() : undefined;
}
