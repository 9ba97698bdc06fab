// The context keys the "Get started" walkthrough's steps complete on (package.json,
// contributes.walkthroughs). VS Code remembers a completed step, so a key only has to become
// true once; setting it again with the same value is skipped. Pure: VS Code's executeCommand is
// passed in, so this module never imports `vscode`.

export const walkthroughContextKeys = {
  /** True while the connection resolves to a working credential (Entra token or API key). */
  signedIn: 'azureOpenAIChat.signedIn',
  /** True once a question was sent from a chat view (panel or side bar). */
  asked: 'azureOpenAIChat.asked',
  /** True once VS Code's chat or another extension sent a request to one of our language models. */
  languageModelUsed: 'azureOpenAIChat.languageModelUsed',
} as const;

export type WalkthroughFact = keyof typeof walkthroughContextKeys;

/** `vscode.commands.executeCommand`, narrowed to what this module calls. */
export type SetContextCommand = (command: 'setContext', key: string, value: boolean) => PromiseLike<unknown>;

export class WalkthroughContext {
  private readonly values = new Map<WalkthroughFact, boolean>();

  constructor(private readonly executeCommand: SetContextCommand) {}

  /** Sets the fact's context key; a failure only means a walkthrough step stays unticked. */
  set(fact: WalkthroughFact, value = true): void {
    if (this.values.get(fact) === value) {
      return;
    }
    this.values.set(fact, value);
    Promise.resolve(this.executeCommand('setContext', walkthroughContextKeys[fact], value)).catch(() => this.values.delete(fact));
  }
}
