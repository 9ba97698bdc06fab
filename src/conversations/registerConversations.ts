import * as vscode from 'vscode';
import type { ChatMessageView } from '../common/protocol';
import { Emitter } from '../common/events';
import type { AnswerSource } from '../chat/answerSource';
import type { ToolHost } from '../chat/toolLoop';
import { ConversationLibrary, type OpenConversation } from '../chat/conversationLibrary';
import { ConversationStore } from '../chat/conversationStore';
import { importOlderHistory, olderHistoryFolders, workspaceKey } from '../chat/historyLocation';
import type { PickedContext } from '../chat/editorContext';
import { messageForWebview } from '../chat/editorContext';
import { conversationToMarkdown } from '../chat/markdownExport';
import { chatViewId } from '../webviewHost/chatViewProvider';
import { type BindingDeps, ChatWebviewBinding, type WebviewSurface } from '../webviewHost/chatWebviewBinding';
import { ConversationController } from '../webviewHost/conversationController';
import { createEditorActions, selectionContext } from './editorActions';
import { CommandId } from '../common/commands';

type SurfaceKind = NonNullable<WebviewSurface['kind']>;

export interface ConversationsDeps {
  readonly source: AnswerSource;
  readonly log: vscode.LogOutputChannel;
  /** Opens (or reveals) the chat editor panel. */
  readonly showPanel: () => void;
  /** Tools (issue 20): every conversation's tool loop uses this host; none: the chat only talks. */
  readonly tools?: ToolHost;
}

/** What the rest of the extension uses: bind a view, and the conversation commands act on. */
export interface Conversations {
  bind(surface: WebviewSurface, common: Omit<BindingDeps, 'session' | 'conversationId' | 'conversations' | 'onDidInteract'>): Promise<ChatWebviewBinding>;
  /** The conversation of the view used last (the API's and the commands' target). */
  active(): Promise<OpenConversation>;
  /** Asks in that conversation, with what is attached in its view. */
  send(text: string): Promise<boolean>;
  messages(): Promise<readonly ChatMessageView[]>;
  /** Saved conversations, newest first; and switching the view used last to one. */
  list(): Promise<readonly { readonly id: string; readonly title: string }[]>;
  open(id: string): Promise<boolean>;
  /** The conversation in use changed: another view was used, or a view switched conversations. */
  readonly onDidChangeActive: Emitter<void>['event'];
}

const rememberedKey = (kind: SurfaceKind) => `azureOpenAIChat.conversation.${kind}`;

/**
 * Conversations (issue 12): the saved history, one current conversation per view, and the
 * commands around them: New Chat, Open Conversation…, Ask about Selection, Attach Active File,
 * Focus Chat Input, Export as Markdown. Saved per workspace (in global storage without one).
 */
export function registerConversations(context: vscode.ExtensionContext, deps: ConversationsDeps): Conversations {
  const { log } = deps;
  const library = openLibrary(context, deps);
  const editor = createEditorActions(context, log);
  const bindings = new Map<SurfaceKind, ChatWebviewBinding>();
  let lastUsed: SurfaceKind | undefined;
  // The API and commands need a conversation even before any view is open.
  let viewless: OpenConversation | undefined;
  const activeChanged = new Emitter<void>();
  /** A view was bound (after the webview was resolved); reveal() waits for its view's. */
  const bound = new Emitter<SurfaceKind>();
  context.subscriptions.push(activeChanged, bound);

  const bind: Conversations['bind'] = async (surface, common) => {
    const kind: SurfaceKind = surface.kind ?? 'panel';
    log.debug(`Binding the chat ${kind}`);
    const lib = await library;
    // Filled in below; the view's controller says when the view goes away.
    const created: { binding?: ChatWebviewBinding } = {};
    const conversationDeps = {
      library: lib,
      editor,
      // A view opened for the first time shows the conversation in use, as before there were several.
      remembered: context.workspaceState.get<string>(rememberedKey(kind)) ?? (await active()).id,
      onDidSwitch: (id: string) => {
        void context.workspaceState.update(rememberedKey(kind), id);
        activeChanged.fire();
      },
      onDispose: () => {
        if (created.binding && bindings.get(kind) === created.binding) {
          bindings.delete(kind);
        }
      },
      log,
    };
    const initial = await ConversationController.initial(conversationDeps);
    log.debug(`The chat ${kind} shows conversation ${initial.id}`);
    void context.workspaceState.update(rememberedKey(kind), initial.id);
    const onDidInteract = () => {
      if (lastUsed !== kind) {
        lastUsed = kind;
        activeChanged.fire();
      }
    };
    const binding = new ChatWebviewBinding(surface, { ...common, session: initial.session, conversationId: initial.id, conversations: conversationDeps, onDidInteract });
    created.binding = binding;
    bindings.get(kind)?.dispose();
    bindings.set(kind, binding);
    // A view just opened is the one the user turned to (a view that only reloads is not).
    lastUsed = kind;
    activeChanged.fire();
    bound.fire(kind);
    return binding;
  };

  /** Resolves when `kind` is bound, or after 10 s (a view VS Code never resolved). */
  const boundOrTimeout = (kind: SurfaceKind) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, 10_000);
      const listener = bound.event((which) => which === kind && done());
      function done() {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    });

  const activeController = (): ConversationController | undefined => {
    const binding = (lastUsed && bindings.get(lastUsed)) || bindings.get('sidebar') || bindings.get('panel');
    return binding?.conversations;
  };

  const active = async (): Promise<OpenConversation> => {
    const controller = activeController();
    if (controller) {
      return controller.current;
    }
    if (!viewless) {
      // After a reload with no view open yet: carry on with the latest conversation.
      const lib = await library;
      const latest = (await lib.list())[0];
      viewless = (latest && (await lib.open(latest.id))) || lib.create();
    }
    return viewless;
  };

  /** Shows the chat where the user was using it: the panel if it is open, else the sidebar. */
  const reveal = async (): Promise<ConversationController | undefined> => {
    const target: SurfaceKind = bindings.has('panel') && lastUsed === 'panel' ? 'panel' : 'sidebar';
    if (target === 'panel') {
      deps.showPanel();
    } else {
      await vscode.commands.executeCommand(`${chatViewId}.focus`);
    }
    // What comes next (a question, context) belongs to the view just shown.
    lastUsed = target;
    if (!bindings.has(target)) {
      await boundOrTimeout(target);
    }
    return bindings.get(target)?.conversations;
  };

  /**
   * The side bar's own title-bar buttons act on the side bar, whichever view was used last: the
   * palette's New Chat and History go to the view last used, but a button in a view's title bar
   * names its view.
   */
  const sideBar = (): ConversationController | undefined => {
    const controller = bindings.get('sidebar')?.conversations;
    if (controller && lastUsed !== 'sidebar') {
      lastUsed = 'sidebar';
      activeChanged.fire();
    }
    return controller;
  };

  const attach = async (picked: PickedContext | undefined) => {
    if (!picked) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text in an editor first.'));
      return;
    }
    await (await reveal())?.attach([picked]);
  };

  context.subscriptions.push(
    { dispose: () => void library.then((lib) => lib.dispose()) },
    vscode.commands.registerCommand(CommandId.newChat, async () => {
      const controller = activeController();
      if (controller) {
        controller.newChat();
      } else {
        viewless = (await library).create();
      }
    }),
    vscode.commands.registerCommand(CommandId.sideBarNewChat, () => sideBar()?.newChat()),
    vscode.commands.registerCommand(CommandId.sideBarShowHistory, () => sideBar()?.showHistory()),
    vscode.commands.registerCommand(CommandId.openConversation, async () => {
      const lib = await library;
      const items = (await lib.list()).map((meta) => ({
        label: meta.title || vscode.l10n.t('New chat'),
        description: new Date(meta.updated).toLocaleString(),
        id: meta.id,
      }));
      if (items.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There are no saved conversations yet.'));
        return;
      }
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open Conversation'), placeHolder: vscode.l10n.t('Search conversations by title'), matchOnDescription: true });
      if (picked) {
        await (await reveal())?.open(picked.id);
      }
    }),
    vscode.commands.registerCommand(CommandId.askAboutSelection, async () => {
      const textEditor = vscode.window.activeTextEditor ?? editor.lastTextEditor();
      await attach(textEditor && selectionContext(textEditor));
    }),
    vscode.commands.registerCommand(CommandId.attachActiveFile, async () => {
      const file = await editor.activeFile();
      if (file) {
        await attach(file);
      }
    }),
    vscode.commands.registerCommand(CommandId.focusInput, async () => {
      const controller = await reveal();
      controller?.focusInput();
    }),
    vscode.commands.registerCommand(CommandId.showHistory, async () => {
      (await reveal())?.showHistory();
    }),
    vscode.commands.registerCommand(CommandId.exportConversation, async () => {
      const lib = await library;
      const { id, session } = await active();
      const title = lib.title(id);
      await editor.exportMarkdown(title, conversationToMarkdown(title, session.messages, new Date()));
    }),
  );

  return {
    bind,
    active,
    send: async (text) => {
      const controller = activeController();
      return controller ? controller.send(text) : (await active()).session.send(text);
    },
    list: async () => (await (await library).list()).map(({ id, title }) => ({ id, title })),
    open: async (id) => {
      const controller = activeController();
      if (controller) {
        return controller.open(id);
      }
      const opened = await (await library).open(id);
      viewless = opened ?? viewless;
      return opened !== undefined;
    },
    messages: async () => (await active()).session.snapshot().map(messageForWebview),
    onDidChangeActive: activeChanged.event,
  };
}

/**
 * The history of this workspace, the same for all its windows: in global storage under a key
 * of the workspace (its workspace file, or its folders), not in the window's own storage folder,
 * which a second window gets as `<id>-1`. What earlier versions saved in the storage folders of
 * this workspace is imported (copied, never removed). Without a workspace: global storage.
 */
async function openLibrary(context: vscode.ExtensionContext, deps: ConversationsDeps): Promise<ConversationLibrary> {
  const { log } = deps;
  try {
    const key = workspaceKey({ workspaceFile: vscode.workspace.workspaceFile?.toString(), folders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.toString()) });
    const home = key ? vscode.Uri.joinPath(context.globalStorageUri, 'workspaces', key) : context.globalStorageUri;
    const older = context.storageUri ?? context.globalStorageUri;
    const store = await ConversationStore.open(vscode.Uri.joinPath(home, 'conversations').fsPath, log, {
      legacyJournal: vscode.Uri.joinPath(older, 'conversation.jsonl').fsPath,
    });
    if (key && context.storageUri?.scheme === 'file') {
      for (const from of await olderHistoryFolders(context.storageUri.fsPath)) {
        const imported = await importOlderHistory(store, from, log);
        if (imported > 0) {
          log.info(`Imported ${imported} conversations saved in ${from}`);
        }
      }
    }
    log.info(`Conversation history: ${store.list().length} saved conversations in ${store.folder}`);
    return new ConversationLibrary(store, deps.source, log, undefined, deps.tools);
  } catch (error) {
    // Chatting matters more than saving: go on without history and say so.
    log.error(`Conversations will not be saved: ${error instanceof Error ? error.message : String(error)}`);
    return new ConversationLibrary(undefined, deps.source, log, undefined, deps.tools);
  }
}
