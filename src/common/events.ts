import type { IDisposable } from './dispose';

/**
 * Where an error thrown by a listener goes. The extension points it at its log; by default it
 * is rethrown on a later turn, so it is reported (and fails a test) without stopping the
 * listeners after it or the code that fired the event.
 */
let listenerErrorSink: (error: unknown) => void = (error) => {
  setTimeout(() => {
    throw error;
  });
};

export function onUnexpectedListenerError(sink: (error: unknown) => void): IDisposable {
  const previous = listenerErrorSink;
  listenerErrorSink = sink;
  return { dispose: () => void (listenerErrorSink = previous) };
}

/**
 * A minimal typed event, shaped like vscode.EventEmitter so pure modules can expose events
 * without importing `vscode`. Every listener is called even when one throws: a failing header
 * update must not keep the journal from saving an answer.
 */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): IDisposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        listenerErrorSink(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
