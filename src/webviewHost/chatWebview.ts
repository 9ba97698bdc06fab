import * as vscode from 'vscode';
import type { HostToWebviewMessage } from '../common/protocol';
import type { WebviewSurface } from './chatWebviewBinding';
import { buildChatHtml } from './webviewHtml';

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
  });
}

/** Adapts a WebviewPanel to the binding's surface interface. */
export function panelSurface(panel: vscode.WebviewPanel): WebviewSurface {
  return {
    kind: 'panel',
    postMessage: (message: HostToWebviewMessage) => panel.webview.postMessage(message),
    onDidReceiveMessage: (listener) => panel.webview.onDidReceiveMessage(listener),
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
    onDidReceiveMessage: (listener) => view.webview.onDidReceiveMessage(listener),
    get visible() {
      return view.visible;
    },
    onDidChangeVisibility: (listener) => view.onDidChangeVisibility(listener),
  };
}
