import { randomUUID } from 'node:crypto';
import type { HostToWebviewMessage, WebviewToHostMessage } from '../common/protocol';
import { Disposable } from '../common/dispose';
import type { ConversationLibrary, OpenConversation } from '../chat/conversationLibrary';
import { type Attachment, attachmentView, makeAttachment, type PickedContext } from '../chat/editorContext';
import { conversationToMarkdown } from '../chat/markdownExport';
import type { Logger } from '../logging/logger';

/** What the conversations feature needs from VS Code's editors and UI (src/conversations/editorActions.ts). */
export interface EditorActions {
  insertCode(code: string, language: string): Promise<void>;
  openCode(code: string, language: string): Promise<void>;
  /** Reads the active editor's file; only called when the user asked for it. */
  activeFile(): Promise<PickedContext | undefined>;
  /** Shows a file picker and reads what the user picked. */
  pickFiles(): Promise<PickedContext[]>;
  /** Reads files the user dropped on the view. */
  readUris(uris: readonly string[]): Promise<PickedContext[]>;
  askTitle(current: string): Promise<string | undefined>;
  exportMarkdown(title: string, markdown: string): Promise<void>;
  copyText(text: string): Promise<void>;
  /** Tells the user another window deleted the conversation they went on with here, and that it is kept. */
  notifyKept?(title: string): void;
  /**
   * Looks for secrets (keys, tokens, connection strings, `.env` values) in text about to be sent,
   * and asks: the text to send (masked or as it was), or undefined when the user cancelled.
   */
  checkSecrets?(text: string, source: SecretSource): Promise<string | undefined>;
}

/** Where text about to be sent comes from, for the secret warning's wording and `.env` rules. */
export type SecretSource = { readonly kind: 'question' } | { readonly kind: 'attachment'; readonly name: string };

export interface ConversationDeps {
  readonly library: ConversationLibrary;
  readonly editor: EditorActions;
  /** The conversation the view showed last, brought back after a reload. */
  readonly remembered?: string;
  /** Called when the view switches conversation, so it can be remembered. */
  readonly onDidSwitch?: (id: string) => void;
  /** Called when the view goes away. */
  readonly onDispose?: () => void;
  readonly log: Logger;
}

/** The part of the binding the controller drives. */
export interface ConversationView {
  post(message: HostToWebviewMessage): void;
  /** Shows another conversation: listens to its session and sends its snapshot. */
  show(opened: OpenConversation): void;
  restoreDraft(text: string): void;
}

type ConversationMessage = Extract<
  WebviewToHostMessage,
  {
    type:
      | 'openConversation'
      | 'listConversations'
      | 'renameConversation'
      | 'deleteConversation'
      | 'undoDelete'
      | 'exportConversation'
      | 'insertCode'
      | 'openCode'
      | 'attachActiveFile'
      | 'attachFiles'
      | 'attachUris'
      | 'removeAttachment'
      | 'resend'
      | 'copyAnswer';
  }
>;

/**
 * Which conversation one view (the editor panel or the sidebar) shows, and what the user does
 * with conversations there: switch, start anew, rename, delete and undo, export; attach context
 * to the next question; put code from answers into editors. Each view has its own, so the panel
 * and the sidebar can show different conversations.
 */
export class ConversationController extends Disposable {
  private currentConversation: OpenConversation;
  private pending: Attachment[] = [];
  /** The history's filter while the webview shows it; refreshed when the list changes. */
  private historyQuery: string | undefined;
  private historyRefresh: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deps: ConversationDeps,
    private readonly view: ConversationView,
    initial: OpenConversation,
  ) {
    super();
    this.currentConversation = initial;
    this._register(
      deps.library.onDidChange((id) => {
        if (id === this.currentConversation.id) {
          this.postTitle();
        }
        this.scheduleHistoryRefresh();
      }),
    );
    this._register(
      deps.library.onDidDelete(({ id, title }) => {
        // Deleted from another view of this window (the side bar's history, say): its answer
        // was stopped; this view moves on to a new chat and offers the undo.
        if (id === this.currentConversation.id) {
          this.view.post({ type: 'conversationDeleted', id, title });
          this.switchTo(deps.library.create());
        }
      }),
    );
    this._register(
      deps.library.onDidKeep((id) => {
        if (id === this.currentConversation.id) {
          deps.editor.notifyKept?.(deps.library.title(id));
        }
      }),
    );
    this._register({ dispose: () => clearTimeout(this.historyRefresh) });
    if (deps.onDispose) {
      this._register({ dispose: deps.onDispose });
    }
  }

  /** Opens the conversation this view showed before a reload, or a new one. */
  static async initial(deps: ConversationDeps): Promise<OpenConversation> {
    const remembered = deps.remembered && (await deps.library.open(deps.remembered));
    return remembered || deps.library.create();
  }

  get current(): OpenConversation {
    return this.currentConversation;
  }

  /** Sent after each snapshot: the title above the conversation and the pending chips. */
  postState(): void {
    this.postTitle();
    this.view.post({ type: 'attachments', items: this.pending.map(attachmentView) });
  }

  /**
   * Sends a question with what is attached; false (and the chips kept) when busy or when the
   * user cancelled the secret warning, so the question goes back into the box.
   */
  async send(text: string): Promise<boolean> {
    const { session } = this.currentConversation;
    if (session.busy) {
      return false;
    }
    const checked = this.deps.editor.checkSecrets ? await this.deps.editor.checkSecrets(text, { kind: 'question' }) : text;
    const attachments = this.pending;
    if (checked === undefined || this.currentConversation.session !== session || !session.send(checked, attachments)) {
      return false;
    }
    this.pending = [];
    if (attachments.length > 0) {
      this.view.post({ type: 'attachments', items: [] });
    }
    return true;
  }

  /** Starts a new conversation here; an empty one is reused rather than piled up. */
  newChat(): void {
    if (this.currentConversation.session.messages.length === 0) {
      this.view.post({ type: 'focusInput' });
      return;
    }
    this.switchTo(this.deps.library.create());
  }

  async open(id: string): Promise<boolean> {
    if (id === this.currentConversation.id) {
      return true;
    }
    const opened = await this.deps.library.open(id);
    if (!opened) {
      return false;
    }
    this.switchTo(opened);
    return true;
  }

  focusInput(): void {
    this.view.post({ type: 'focusInput' });
  }

  showHistory(): void {
    this.view.post({ type: 'showHistory' });
  }

  /**
   * Adds context for the next question (from a command, a button or a drop). What would be
   * sent is checked for secrets first; an item the user cancels is not attached.
   */
  async attach(picked: readonly PickedContext[]): Promise<void> {
    const added: Attachment[] = [];
    for (const item of picked) {
      const attachment = makeAttachment(item, randomUUID());
      const checked = this.deps.editor.checkSecrets ? await this.deps.editor.checkSecrets(attachment.text, { kind: 'attachment', name: attachment.name }) : attachment.text;
      if (checked !== undefined) {
        added.push(checked === attachment.text ? attachment : makeAttachment({ ...item, text: checked }, attachment.id));
      }
    }
    if (added.length === 0) {
      return;
    }
    // The same file or selection twice is one chip, with the newer text.
    this.pending = [...this.pending.filter((old) => !added.some((item) => item.name === old.name)), ...added];
    this.view.post({ type: 'attachments', items: this.pending.map(attachmentView) });
    this.view.post({ type: 'focusInput' });
  }

  handle(message: ConversationMessage): void {
    void this.run(message).catch((error: unknown) => {
      this.deps.log.error(`${message.type} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async run(message: ConversationMessage): Promise<void> {
    const { library, editor } = this.deps;
    switch (message.type) {
      case 'openConversation':
        await this.open(message.id);
        return;
      case 'listConversations':
        this.historyQuery = message.query;
        await this.postHistory();
        return;
      case 'renameConversation': {
        const title = await editor.askTitle(library.title(message.id));
        if (title?.trim()) {
          await library.rename(message.id, title);
        }
        return;
      }
      case 'deleteConversation': {
        const title = library.title(message.id);
        const showing = message.id === this.currentConversation.id;
        // A view showing it (this one included) moves on when the library says it is deleted.
        await library.delete(message.id);
        if (!showing) {
          this.view.post({ type: 'conversationDeleted', id: message.id, title });
        }
        return;
      }
      case 'undoDelete':
        library.restore(message.id);
        return;
      case 'exportConversation': {
        const messages = await library.messages(message.id);
        const title = library.title(message.id);
        await editor.exportMarkdown(title, conversationToMarkdown(title, messages, new Date()));
        return;
      }
      case 'insertCode':
        await editor.insertCode(message.code, message.language);
        return;
      case 'openCode':
        await editor.openCode(message.code, message.language);
        return;
      case 'attachActiveFile': {
        const file = await editor.activeFile();
        await this.attach(file ? [file] : []);
        return;
      }
      case 'attachFiles':
        await this.attach(await editor.pickFiles());
        return;
      case 'attachUris':
        await this.attach(await editor.readUris(message.uris));
        return;
      case 'removeAttachment':
        this.pending = this.pending.filter((item) => item.id !== message.id);
        this.view.post({ type: 'attachments', items: this.pending.map(attachmentView) });
        return;
      case 'resend':
        if (!this.currentConversation.session.resendEdited(message.messageId, message.text)) {
          this.view.restoreDraft(message.text);
        }
        return;
      case 'copyAnswer': {
        const answer = this.currentConversation.session.messages.find((m) => m.id === message.messageId);
        if (answer) {
          await editor.copyText(answer.text);
        }
        return;
      }
    }
  }

  private switchTo(opened: OpenConversation): void {
    this.currentConversation = opened;
    this.deps.onDidSwitch?.(opened.id);
    this.view.show(opened);
  }

  private postTitle(): void {
    const { id } = this.currentConversation;
    this.view.post({ type: 'conversation', id, title: this.deps.library.title(id) });
  }

  private async postHistory(): Promise<void> {
    const query = this.historyQuery ?? '';
    const items = await this.deps.library.list(query);
    if (query === (this.historyQuery ?? '')) {
      this.view.post({ type: 'history', query, items: items.map(({ id, title, updated }) => ({ id, title: title || 'New chat', updated })) });
    }
    if (!query) {
      // The history is open: read what search needs now, so the first search is quick too.
      void this.deps.library.prepareSearch();
    }
  }

  private scheduleHistoryRefresh(): void {
    if (this.historyQuery === undefined || this.historyRefresh) {
      return;
    }
    // Titles and dates change with every message; one refresh per burst is enough.
    this.historyRefresh = setTimeout(() => {
      this.historyRefresh = undefined;
      void this.postHistory();
    }, 250);
  }
}
