/**
 * The requests other extensions send through the language model provider, counted as they
 * arrive (answered, failed or cancelled alike). VS Code's stable API does not say which
 * extension sends a request, so this knows when and to which model, and nothing more.
 */
import { Emitter } from '../common/events';

export class ProviderRequests {
  private day = '';
  private count = 0;
  private latest: { readonly model: string; readonly at: number } | undefined;
  private readonly changes = new Emitter<void>();
  readonly onDidChange = this.changes.event;

  constructor(private readonly now: () => Date = () => new Date()) {}

  record(model: string): void {
    const now = this.now();
    this.rollOver(now);
    this.count++;
    this.latest = { model, at: now.getTime() };
    this.changes.fire();
  }

  snapshot(): { readonly today: number; readonly last?: { readonly model: string; readonly at: number } } {
    this.rollOver(this.now());
    return { today: this.count, ...(this.latest ? { last: this.latest } : {}) };
  }

  dispose(): void {
    this.changes.dispose();
  }

  private rollOver(now: Date): void {
    const day = now.toDateString();
    if (day !== this.day) {
      this.day = day;
      this.count = 0;
    }
  }
}
