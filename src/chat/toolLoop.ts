/**
 * Runs the tool calls of one model step: looks each tool up, asks the user when the approval
 * policy (toolApproval.ts) says so, runs the calls of the step in parallel, cuts oversized
 * results, and reports every change of a call's card. The loop around it (ask the model, run
 * its calls, ask again with the results) is in chatSession.ts; the model requests themselves go
 * through the one model core (AnswerSource -> AzureModelClient).
 */
import type { ToolCallStatus } from '../common/protocol';
import type { ToolCall, ToolDefinition } from '../azure/modelRequest';
import {
  type ApprovalChoice,
  type ApprovalPrompt,
  decideApproval,
  type GrantStore,
  offeredInMode,
  type ToolEffect,
  type ToolPreview,
} from './toolApproval';
import { defaultMaxResultChars, truncateResult } from './toolResults';

/** A tool the chat can offer: the extension's own, or one VS Code has registered (vscode.lm.tools). */
export interface ChatTool {
  readonly definition: ToolDefinition;
  readonly effect: ToolEffect;
  /**
   * What will happen, for the approval (an edit opens its diff here). Throws to refuse the call
   * (a path outside the workspace, bad arguments): the message goes back to the model.
   */
  prepare?(input: unknown, signal: AbortSignal): Promise<ToolPreview>;
  /**
   * Does it; resolves with the text sent back to the model. Honours `signal` (Stop). `preview`
   * is what `prepare` showed the user: a tool does exactly that, or refuses.
   */
  invoke(input: unknown, signal: AbortSignal, preview?: ToolPreview): Promise<string>;
}

export interface ToolSettings {
  readonly autoApproveReadOnly: boolean;
  /** Model steps per question before the loop pauses with "Continue". */
  readonly maxSteps: number;
  readonly maxResultChars: number;
}

export const defaultToolSettings: ToolSettings = { autoApproveReadOnly: true, maxSteps: 20, maxResultChars: defaultMaxResultChars };

/** What a conversation's tool loop needs from around it; the VS Code side builds one (src/tools). */
export interface ToolHost {
  /**
   * The tools there are now: the extension's own, and of VS Code's registered tools (other
   * extensions', MCP servers') the ones `picked` names (the conversation's tools menu).
   */
  tools(picked: ReadonlySet<string>): readonly ChatTool[];
  /** vscode.workspace.isTrusted. */
  trusted(): boolean;
  settings(): ToolSettings;
  /** VS Code's UI: the only source of approvals. */
  readonly ask: ApprovalPrompt;
  readonly workspaceGrants: GrantStore;
}

export interface ToolCallUpdate {
  readonly status: ToolCallStatus;
  readonly result?: string;
  readonly truncated?: boolean;
}

/** The definitions offered to the model: in Restricted Mode only the ones that read. */
export function offeredTools(available: readonly ChatTool[], trusted: boolean): ToolDefinition[] {
  return available.filter((tool) => offeredInMode(tool.effect, trusted)).map((tool) => tool.definition);
}

/** Serializes approval prompts: parallel calls never stack several dialogs at once. */
class PromptQueue {
  private last: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.last.then(task, task);
    this.last = next.catch(() => undefined);
    return next;
  }
}

/**
 * Runs `calls` (one model step) with the tools `available` (those offered in that step) and
 * resolves when every one has ended. `conversationGrants` is
 * the conversation's own, added to when the user allows a tool "for this conversation".
 */
export async function runToolCalls(
  calls: readonly ToolCall[],
  available: readonly ChatTool[],
  host: ToolHost,
  conversationGrants: Set<string>,
  signal: AbortSignal,
  update: (callId: string, change: ToolCallUpdate) => void,
): Promise<void> {
  const settings = host.settings();
  const byName = new Map(available.map((tool) => [tool.definition.name, tool]));
  const prompts = new PromptQueue();
  const finish = (callId: string, status: ToolCallStatus, text: string): void => {
    const { text: result, truncated } = truncateResult(text, settings.maxResultChars);
    update(callId, { status, result, ...(truncated ? { truncated } : {}) });
  };

  const runOne = async (call: ToolCall): Promise<void> => {
    if (signal.aborted) {
      return finish(call.callId, 'stopped', 'Stopped by the user before it ran.');
    }
    const tool = byName.get(call.name);
    const trusted = host.trusted();
    if (!tool || !offeredInMode(tool.effect, trusted)) {
      return finish(call.callId, 'error', tool ? `${call.name} is not available in Restricted Mode: it writes, runs or reaches the network.` : `There is no tool named ${call.name}.`);
    }
    let input: unknown;
    try {
      input = call.arguments.trim() ? JSON.parse(call.arguments) : {};
    } catch {
      return finish(call.callId, 'error', `The arguments of ${call.name} are not valid JSON.`);
    }
    let preview: ToolPreview | undefined;
    try {
      preview = tool.prepare ? await tool.prepare(input, signal) : { title: call.name, detail: call.arguments };
      const grantKey = preview.grantKey ?? call.name;
      const decision = decideApproval(tool.effect, grantKey, {
        trusted,
        autoApproveReadOnly: settings.autoApproveReadOnly,
        conversationGrants,
        workspaceGrants: host.workspaceGrants,
      });
      if (decision === 'refuse') {
        return finish(call.callId, 'error', `${call.name} is not available in Restricted Mode.`);
      }
      if (decision === 'ask') {
        update(call.callId, { status: 'awaitingApproval' });
        const shown = preview;
        const choice: ApprovalChoice = await prompts.run(() =>
          signal.aborted ? Promise.resolve<ApprovalChoice>('deny') : host.ask({ toolName: call.name, effect: tool.effect, preview: shown, canRememberForWorkspace: true }, signal),
        );
        if (signal.aborted) {
          return finish(call.callId, 'stopped', 'Stopped by the user before it ran.');
        }
        if (choice === 'deny') {
          return finish(call.callId, 'denied', 'The user declined this tool call; nothing was done.');
        }
        if (choice === 'conversation') {
          conversationGrants.add(grantKey);
        } else if (choice === 'workspace') {
          await host.workspaceGrants.add(grantKey);
        }
      }
      update(call.callId, { status: 'running' });
      const output = await tool.invoke(input, signal, preview);
      finish(call.callId, signal.aborted ? 'stopped' : 'done', output);
    } catch (error) {
      finish(call.callId, signal.aborted ? 'stopped' : 'error', signal.aborted ? 'Stopped by the user.' : `${call.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      preview?.dispose?.();
    }
  };

  await Promise.all(calls.map((call) => runOne(call)));
}
