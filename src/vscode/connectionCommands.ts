import * as vscode from 'vscode';
import { CommandId } from '../common/commands';
import type { FixAction } from '../common/protocol';
import type { ConnectionTarget } from '../config/connectionTarget';
import { clearApiKey, type ConnectionFix, createFixRunner, type FixDeps, setApiKey, signIn } from './fixActions';

export interface ConnectionCommands {
  /** Runs a problem card's fix for the conversation whose card it is. */
  readonly runFix: (action: ConnectionFix, target: ConnectionTarget | undefined) => void;
  /**
   * A fix the user ran from the command palette: a problem card's text names those commands
   * ("Run Azure OpenAI: Set API Key"), so a waiting question is answered once it works, as with
   * the card's own button.
   */
  readonly onDidStartFixElsewhere: vscode.Event<FixAction>;
}

/**
 * Sign in, Set/Clear API Key, Set/Clear Subscription Key and Show Log. The key commands act on
 * the resource of the conversation in the view used last (`activeTarget`), and resolve to
 * whether a key was stored.
 */
export function registerConnectionCommands(
  context: vscode.ExtensionContext,
  deps: FixDeps & { readonly activeTarget: () => Promise<ConnectionTarget | undefined> },
): ConnectionCommands {
  const runFixAsync = createFixRunner(deps);
  const fixesFromPalette = new vscode.EventEmitter<FixAction>();
  // Announced first, then run.
  const fromPalette =
    <T>(action: 'signIn' | 'setApiKey' | 'setSubscriptionKey', run: (target: ConnectionTarget | undefined) => Promise<T>) =>
    async (): Promise<T> => {
      fixesFromPalette.fire(action);
      return run(await deps.activeTarget());
    };
  context.subscriptions.push(
    fixesFromPalette,
    vscode.commands.registerCommand(CommandId.signIn, fromPalette('signIn', (target) => signIn(deps, target))),
    vscode.commands.registerCommand(CommandId.setApiKey, fromPalette('setApiKey', (target) => setApiKey(deps, target))),
    vscode.commands.registerCommand(CommandId.clearApiKey, async () => clearApiKey(deps, await deps.activeTarget())),
    vscode.commands.registerCommand(CommandId.setSubscriptionKey, fromPalette('setSubscriptionKey', () => deps.secrets.promptAndStoreSubscriptionKey())),
    vscode.commands.registerCommand(CommandId.clearSubscriptionKey, () => deps.secrets.clearSubscriptionKey()),
    vscode.commands.registerCommand(CommandId.showLog, () => deps.log.show()),
  );
  return {
    runFix: (action, target) => void runFixAsync(action, target),
    onDidStartFixElsewhere: fixesFromPalette.event,
  };
}
