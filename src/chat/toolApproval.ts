/**
 * Who may let a tool run. Every approval comes from the user: a choice in VS Code's own UI
 * (`ApprovalPrompt`), a grant the user gave earlier in this conversation, or one they chose to
 * keep for this workspace (kept by the extension, never read from workspace settings). Nothing
 * a model or a tool writes is read here, so a file or a tool result that says "approved" or
 * "run rm -rf" cannot approve, start or widen a call.
 */

/** What a tool does to the world; decides whether it asks first. */
export type ToolEffect = 'read' | 'write' | 'run' | 'network' | 'unknown';

export type ApprovalChoice = 'once' | 'conversation' | 'workspace' | 'deny';

/** Exactly what will happen, shown before the user chooses. */
export interface ToolPreview {
  /** One line: "Edit src/app.ts", "Run `npm test` in a terminal". */
  readonly title: string;
  /** The command line, the paths, the arguments: plain text. */
  readonly detail: string;
  /**
   * What a grant covers: the tool's name by default; a command's grant names its command line,
   * so allowing `npm test` never allows another command.
   */
  readonly grantKey?: string;
  /** Closes what the preview opened (a diff editor). */
  dispose?(): void;
}

export interface ApprovalRequest {
  readonly toolName: string;
  readonly effect: ToolEffect;
  readonly preview: ToolPreview;
  /** Grants for the workspace are offered only when the grant store can keep them. */
  readonly canRememberForWorkspace: boolean;
}

/** Shows the request in VS Code's UI and resolves with the user's choice (cancelled: deny). */
export type ApprovalPrompt = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalChoice>;

/** Grants the user chose to keep for the workspace (the VS Code side keeps them in workspaceState). */
export interface GrantStore {
  has(key: string): boolean;
  add(key: string): Promise<void>;
}

export class MemoryGrantStore implements GrantStore {
  private readonly keys = new Set<string>();
  has(key: string): boolean {
    return this.keys.has(key);
  }
  async add(key: string): Promise<void> {
    this.keys.add(key);
  }
}

export interface ApprovalContext {
  /** vscode.workspace.isTrusted: in Restricted Mode only reading is allowed. */
  readonly trusted: boolean;
  /** The setting: read-only tools inside the workspace run without asking. */
  readonly autoApproveReadOnly: boolean;
  readonly conversationGrants: ReadonlySet<string>;
  readonly workspaceGrants: GrantStore;
}

export type ApprovalDecision = 'allow' | 'ask' | 'refuse';

/** Whether a call may run now, must ask, or may not run at all. */
export function decideApproval(effect: ToolEffect, grantKey: string, context: ApprovalContext): ApprovalDecision {
  if (effect !== 'read' && !context.trusted) {
    return 'refuse';
  }
  if (effect === 'read' && context.autoApproveReadOnly) {
    return 'allow';
  }
  if (context.conversationGrants.has(grantKey) || context.workspaceGrants.has(grantKey)) {
    return 'allow';
  }
  return 'ask';
}

/** Tools offered to the model: in Restricted Mode nothing that writes, runs or reaches the network. */
export function offeredInMode(effect: ToolEffect, trusted: boolean): boolean {
  return trusted || effect === 'read';
}
