/**
 * An inert `vscode` module for loading the production bundle in plain node: just enough API,
 * doing nothing, for `activate()` to run the way it does in VS Code. It records which APIs
 * activation called, so the printout shows what the measurement exercised. Anything the bundle
 * reaches for that is not here fails loudly rather than being silently skipped.
 */
import * as path from 'node:path';

interface Disposable {
  dispose(): void;
}

const disposable = (): Disposable => ({ dispose: () => undefined });
/** An event that never fires, shaped like vscode.Event. */
const never = () => disposable();

export class ShimUri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}

  static file(fsPath: string): ShimUri {
    return new ShimUri('file', path.resolve(fsPath));
  }

  static parse(value: string): ShimUri {
    const url = new URL(value);
    return new ShimUri(url.protocol.replace(/:$/, ''), url.pathname);
  }

  static joinPath(base: ShimUri, ...segments: string[]): ShimUri {
    return new ShimUri(base.scheme, path.posix.join(base.path, ...segments));
  }

  get fsPath(): string {
    return this.path;
  }

  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

/** The values of vscode.ExtensionMode. */
export const ExtensionMode = { Production: 1, Development: 2, Test: 3 } as const;

export function createVscodeShim(called: Set<string>) {
  const note =
    <A extends unknown[], R>(name: string, result: (...args: A) => R) =>
    (...args: A): R => {
      called.add(name);
      return result(...args);
    };
  const logChannel = {
    name: 'Azure OpenAI Chat',
    logLevel: 2,
    onDidChangeLogLevel: never,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    append: () => undefined,
    appendLine: () => undefined,
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  };
  return {
    Uri: ShimUri,
    Disposable: class {
      constructor(private readonly callOnDispose: () => void) {}
      static from(...items: Disposable[]): Disposable {
        return { dispose: () => items.forEach((item) => item.dispose()) };
      }
      dispose(): void {
        this.callOnDispose();
      }
    },
    EventEmitter: class {
      event = never;
      fire(): void {}
      dispose(): void {}
    },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ExtensionMode,
    l10n: { t: note('l10n.t', (message: string) => message) },
    window: {
      createOutputChannel: note('window.createOutputChannel', () => logChannel),
      registerWebviewViewProvider: note('window.registerWebviewViewProvider', disposable),
      registerWebviewPanelSerializer: note('window.registerWebviewPanelSerializer', disposable),
      createWebviewPanel: note('window.createWebviewPanel', () => {
        throw new Error('activation must not open a panel');
      }),
      showWarningMessage: note('window.showWarningMessage', async () => undefined),
      showInputBox: note('window.showInputBox', async () => undefined),
      // Spend (issue 21): the status item saying whether deployments are offered to other extensions.
      createStatusBarItem: note('window.createStatusBarItem', () => ({ show: () => undefined, hide: () => undefined, dispose: () => undefined })),
      activeTextEditor: undefined,
      onDidChangeActiveTextEditor: note('window.onDidChangeActiveTextEditor', never),
      // The chat panel looks for a panel an earlier extension host left behind: none here.
      tabGroups: { all: [], onDidChangeTabs: note('window.tabGroups.onDidChangeTabs', never) },
    },
    lm: {
      registerLanguageModelChatProvider: note('lm.registerLanguageModelChatProvider', disposable),
      // Tools (issue 20): our tools are registered at activation; none of VS Code's are there.
      registerTool: note('lm.registerTool', disposable),
      tools: [],
    },
    commands: {
      registerCommand: note('commands.registerCommand', disposable),
      executeCommand: note('commands.executeCommand', async () => undefined),
    },
    workspace: {
      isTrusted: true,
      registerTextDocumentContentProvider: note('workspace.registerTextDocumentContentProvider', disposable),
      onDidChangeConfiguration: note('workspace.onDidChangeConfiguration', never),
      getConfiguration: note('workspace.getConfiguration', () => ({
        get: (_key: string, fallback?: unknown) => fallback,
        inspect: () => undefined,
        has: () => false,
        update: async () => undefined,
      })),
    },
    authentication: {
      onDidChangeSessions: note('authentication.onDidChangeSessions', never),
      getSession: note('authentication.getSession', async () => undefined),
    },
    env: { openExternal: note('env.openExternal', async () => false) },
  };
}

/**
 * The ExtensionContext activate() gets: storage in `storageDir`, inert secrets, and the mode VS
 * Code runs the extension in (the test API is returned in Test mode only).
 */
export function createExtensionContext(
  extensionDir: string,
  storageDir: string,
  called: Set<string>,
  extensionMode: (typeof ExtensionMode)[keyof typeof ExtensionMode] = ExtensionMode.Test,
) {
  return {
    extensionMode,
    subscriptions: [] as Disposable[],
    extensionUri: ShimUri.file(extensionDir),
    extensionPath: extensionDir,
    storageUri: ShimUri.file(storageDir),
    globalStorageUri: ShimUri.file(storageDir),
    globalState: {
      get: () => undefined,
      update: async () => undefined,
      keys: () => [],
    },
    workspaceState: {
      get: () => undefined,
      update: async () => undefined,
      keys: () => [],
    },
    secrets: {
      get: async () => {
        called.add('secrets.get');
        return undefined;
      },
      store: async () => undefined,
      delete: async () => undefined,
      onDidChange: () => {
        called.add('secrets.onDidChange');
        return disposable();
      },
    },
  };
}
