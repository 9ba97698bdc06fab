/** Anything with a `dispose()`: VS Code's Disposable and our own classes alike. */
export interface IDisposable {
  dispose(): void;
}

/**
 * Base for classes that own disposables: whatever is `_register`ed is disposed with the owner,
 * so listeners and timers cannot outlive the object that created them.
 */
export abstract class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends IDisposable>(value: T): T {
    if (this.disposed) {
      value.dispose();
    } else {
      this.owned.push(value);
    }
    return value;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    // Dispose in reverse order of creation, like a stack of try/finally blocks.
    const owned = [...this.owned].reverse();
    this.owned.length = 0;
    disposeAll(owned);
  }
}

/**
 * Disposes every item even when some throw, then throws what they threw (one error as is,
 * several together): a listener that fails to detach must not leave a timer running.
 */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of [...items]) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) {
    throw errors[0];
  }
  if (errors.length > 1) {
    throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
  }
}

export function toDisposable(dispose: () => void): IDisposable {
  return { dispose };
}
