/**
 * The chat's tools, VS Code side (issue 20): the extension's own tools registered with
 * vscode.lm.registerTool (so VS Code's chat and other extensions can call them, contributed in
 * package.json `languageModelTools`), VS Code's registered tools (other extensions', and the MCP
 * servers' VS Code runs) offered when picked for a conversation, approvals in VS Code's modal
 * dialog, grants for the workspace in workspaceState, and Restricted Mode from
 * vscode.workspace.isTrusted. The loop itself is pure (src/chat/toolLoop.ts).
 */
import * as vscode from 'vscode';
import { CommandId } from '../common/commands';
import { settingsSection, toolResultRange, ToolSettingKey, toolSettingDefaults, toolStepRange } from '../config/settingKeys';
import { offeredInMode, type ToolPreview } from '../chat/toolApproval';
import type { ChatTool, ToolHost, ToolSettings } from '../chat/toolLoop';
import { askInModal, WorkspaceStateGrants } from './approvalPrompt';
import { createWorkspaceTools, ProposalDocuments, proposalScheme } from './workspaceTools';

/** Our own tools' names start with this; they are never offered twice through vscode.lm.tools. */
const ownPrefix = 'aoaichat_';

function userSetting<T extends boolean | number>(key: ToolSettingKey): T {
  const inspected = vscode.workspace.getConfiguration(settingsSection).inspect<T>(key);
  return (inspected?.globalValue ?? toolSettingDefaults[key]) as T;
}

function clamp(value: number, range: { min: number; max: number }): number {
  return Number.isFinite(value) ? Math.min(range.max, Math.max(range.min, Math.round(value))) : range.min;
}

export function readToolSettings(): ToolSettings {
  return {
    autoApproveReadOnly: userSetting<boolean>(ToolSettingKey.autoApproveReadOnly) === true,
    maxSteps: clamp(userSetting<number>(ToolSettingKey.maxSteps), toolStepRange),
    maxResultChars: clamp(userSetting<number>(ToolSettingKey.maxResultCharacters), toolResultRange),
  };
}

/** A tool VS Code has registered (another extension's, or an MCP server's), called through vscode.lm.invokeTool. */
function registeredTool(info: vscode.LanguageModelToolInformation): ChatTool {
  return {
    definition: { name: info.name, description: info.description, ...(info.inputSchema ? { parameters: info.inputSchema as Record<string, unknown> } : {}) },
    // What it does is up to it: it always asks (unless the user allowed it), and is not offered in Restricted Mode.
    effect: 'unknown',
    prepare: async (input) => ({ title: info.name, detail: JSON.stringify(input, undefined, 2) }),
    invoke: async (input, signal) => {
      const cancel = new vscode.CancellationTokenSource();
      const onAbort = () => cancel.cancel();
      signal.addEventListener('abort', onAbort);
      try {
        const result = await vscode.lm.invokeTool(info.name, { input: (input ?? {}) as object, toolInvocationToken: undefined }, cancel.token);
        return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      } finally {
        signal.removeEventListener('abort', onAbort);
        cancel.dispose();
      }
    },
  };
}

/** The text of an approval request as VS Code's chat shows it when it calls one of our tools. */
function confirmationFor(tool: ChatTool, input: unknown): vscode.LanguageModelToolConfirmationMessages | undefined {
  if (tool.effect === 'read') {
    return undefined;
  }
  const detail = tool.effect === 'run' ? `\`\`\`sh\n${String((input as { command?: unknown })?.command ?? '')}\n\`\`\`` : `\`\`\`json\n${JSON.stringify(input, undefined, 2)}\n\`\`\``;
  return { title: tool.definition.name, message: new vscode.MarkdownString(detail) };
}

/** Registers our tools for every caller in VS Code, with the same path checks, trust and approvals. */
function registerForVscode(tools: readonly ChatTool[], grants: WorkspaceStateGrants): vscode.Disposable[] {
  return tools.map((tool) =>
    vscode.lm.registerTool<unknown>(tool.definition.name, {
      prepareInvocation: (options) => {
        const confirmationMessages = confirmationFor(tool, options.input);
        return { invocationMessage: tool.definition.name, ...(confirmationMessages ? { confirmationMessages } : {}) };
      },
      invoke: async (options, token) => {
        if (!offeredInMode(tool.effect, vscode.workspace.isTrusted)) {
          throw new Error(`${tool.definition.name} is not available in Restricted Mode.`);
        }
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        let preview: ToolPreview | undefined;
        try {
          preview = tool.prepare ? await tool.prepare(options.input, controller.signal) : undefined;
          // Called from a chat request, VS Code showed the confirmation above; called from
          // anywhere else, nobody has asked the user yet.
          if (tool.effect !== 'read' && options.toolInvocationToken === undefined && !grants.has(preview?.grantKey ?? tool.definition.name)) {
            const choice = await askInModal({ toolName: tool.definition.name, effect: tool.effect, preview: preview ?? { title: tool.definition.name, detail: '' }, canRememberForWorkspace: true }, controller.signal);
            if (choice === 'deny') {
              throw new Error('The user declined this tool call; nothing was done.');
            }
            if (choice === 'workspace') {
              await grants.add(preview?.grantKey ?? tool.definition.name);
            }
          }
          const text = await tool.invoke(options.input, controller.signal, preview);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
        } finally {
          preview?.dispose?.();
          subscription.dispose();
        }
      },
    }),
  );
}

export interface RegisteredTools {
  readonly host: ToolHost;
  /** The tools menu of a conversation: VS Code's registered tools, the picked ones checked. */
  pick(current: ReadonlySet<string>): Promise<string[] | undefined>;
}

export function registerTools(context: vscode.ExtensionContext, pickFor: () => Promise<{ pickedTools: ReadonlySet<string>; setPickedTools(names: Iterable<string>): void }>): RegisteredTools {
  const documents = new ProposalDocuments();
  const grants = new WorkspaceStateGrants(context.workspaceState);
  const own = createWorkspaceTools(documents);
  const others = () => vscode.lm.tools.filter((info) => !info.name.startsWith(ownPrefix));

  const host: ToolHost = {
    tools: (picked) => [...own, ...others().filter((info) => picked.has(info.name)).map(registeredTool)],
    trusted: () => vscode.workspace.isTrusted,
    settings: readToolSettings,
    ask: askInModal,
    workspaceGrants: grants,
  };

  const pick = async (current: ReadonlySet<string>): Promise<string[] | undefined> => {
    const items = others().map((info) => ({ label: info.name, detail: info.description, picked: current.has(info.name) }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No other tools are registered in VS Code. MCP servers configured in mcp.json appear here once VS Code has started them.'));
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('Tools for this conversation'),
      placeHolder: vscode.l10n.t("Other extensions' and MCP servers' tools the model may call (each call asks first)"),
    });
    return chosen?.map((item) => item.label);
  };

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(proposalScheme, documents),
    ...registerForVscode(own, grants),
    vscode.commands.registerCommand(CommandId.pickTools, async () => {
      const session = await pickFor();
      const chosen = await pick(session.pickedTools);
      if (chosen) {
        session.setPickedTools(chosen);
      }
    }),
    vscode.commands.registerCommand(CommandId.forgetToolApprovals, async () => {
      await grants.clear();
      void vscode.window.showInformationMessage(vscode.l10n.t('Tool approvals kept for this workspace are forgotten.'));
    }),
  );
  return { host, pick };
}
