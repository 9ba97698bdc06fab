import * as vscode from 'vscode';
import type { HostToWebviewMessage } from '../common/protocol';
import type { WebviewSurface } from './chatWebviewBinding';
import { parseWebviewMessage } from './messageValidation';
import { buildChatHtml } from './webviewHtml';
import { webviewStrings } from './webviewStrings';

/**
 * Sets up a webview (panel or sidebar) to host the chat UI: scripts on, command URIs off, and
 * local files limited to the bundle and media folders.
 */
export function configureChatWebview(webview: vscode.Webview, extensionUri: vscode.Uri, surface: 'panel' | 'sidebar'): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  webview.options = { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [dist, media] };
  webview.html = buildChatHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat.css')).toString(),
    surface,
    strings: webviewStrings(),
    lang: vscode.env.language,
  });
}

function isPing(message: unknown): boolean {
  return parseWebviewMessage(message)?.type === 'ping';
}

/**
 * Answers the webview's `ping` with `pong`, whatever the binding is doing: the webview asks while
 * an answer is in flight and after the user acts, to notice an extension host that went away.
 */
export function answerPings(webview: vscode.Webview): vscode.Disposable {
  const pong: HostToWebviewMessage = { type: 'pong' };
  return webview.onDidReceiveMessage((message: unknown) => {
    if (isPing(message)) {
      void webview.postMessage(pong);
    }
  });
}

/** The webview's messages for the binding: everything but the pings `answerPings` answers. */
function withoutPings(webview: vscode.Webview): WebviewSurface['onDidReceiveMessage'] {
  return (listener) => webview.onDidReceiveMessage((message: unknown) => {
    if (!isPing(message)) {
      listener(message);
    }
  });
}

/** Adapts a WebviewPanel to the binding's surface interface. */
export function panelSurface(panel: vscode.WebviewPanel): WebviewSurface {
  return {
    kind: 'panel',
    postMessage: (message: HostToWebviewMessage) => panel.webview.postMessage(message),
    onDidReceiveMessage: withoutPings(panel.webview),
    get visible() {
      return panel.visible;
    },
    onDidChangeVisibility: (listener) => panel.onDidChangeViewState(() => listener()),
  };
}

/** Adapts a WebviewView (the sidebar) to the binding's surface interface. */
export function viewSurface(view: vscode.WebviewView): WebviewSurface {
  return {
    kind: 'sidebar',
    postMessage: (message: HostToWebviewMessage) => view.webview.postMessage(message),
    onDidReceiveMessage: withoutPings(view.webview),
    get visible() {
      return view.visible;
    },
    onDidChangeVisibility: (listener) => view.onDidChangeVisibility(listener),
  };
}
