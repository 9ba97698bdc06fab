/**
 * Stands in for VS Code's webview object in host-side tests: records what the host posts and
 * delivers what the "webview" sends, with visibility under the test's control.
 */
import type { HostToWebviewMessage } from '../../src/common/protocol';
import type { IDisposable } from '../../src/common/dispose';
import { Emitter } from '../../src/common/events';
import type { WebviewSurface } from '../../src/webviewHost/chatWebviewBinding';

export class FakeSurface implements WebviewSurface {
  readonly posted: HostToWebviewMessage[] = [];
  private readonly incoming = new Emitter<unknown>();
  private readonly visibility = new Emitter<void>();
  visible = true;

  constructor(readonly kind?: 'panel' | 'sidebar') {}

  postMessage(message: HostToWebviewMessage): PromiseLike<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }

  onDidReceiveMessage(listener: (message: unknown) => void): IDisposable {
    return this.incoming.event(listener);
  }

  onDidChangeVisibility(listener: () => void): IDisposable {
    return this.visibility.event(listener);
  }

  /** A message from the webview's script. */
  fromWebview(message: unknown): void {
    this.incoming.fire(message);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.visibility.fire();
  }

  types(): string[] {
    return this.posted.map((message) => message.type);
  }

  /** The latest posted message of a type. */
  last<T extends HostToWebviewMessage['type']>(type: T): Extract<HostToWebviewMessage, { type: T }> | undefined {
    return this.posted.filter((message): message is Extract<HostToWebviewMessage, { type: T }> => message.type === type).at(-1);
  }
}
