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
    for (const value of this.owned.reverse()) {
      value.dispose();
    }
    this.owned.length = 0;
  }
}

export function toDisposable(dispose: () => void): IDisposable {
  return { dispose };
}
