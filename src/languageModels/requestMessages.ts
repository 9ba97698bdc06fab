import * as vscode from 'vscode';
import type { ImageInput, ModelMessage, ToolCall, ToolDefinition } from '../azure/modelRequest';

/**
 * VS Code's request messages in the neutral model of src/azure/modelRequest.ts. Kept here, at the
 * one place that knows vscode's part classes, so the core never sees them.
 *
 * - A user message's tool results become `tool` messages, placed before its text: both APIs
 *   want a result right after the assistant turn that asked for it.
 * - An assistant message's tool calls travel with its text.
 * - System messages (role 3, which VS Code's own chat sends) stay system messages.
 * - Images (PNG, JPEG, GIF, WebP data parts) travel with the user's text.
 */
export function toModelMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): ModelMessage[] {
  const converted: ModelMessage[] = [];
  for (const message of messages) {
    const text: string[] = [];
    const toolCalls: ToolCall[] = [];
    const toolResults: ModelMessage[] = [];
    const images: ImageInput[] = [];
    for (const part of message.content) {
      if (part instanceof vscode.LanguageModelTextPart) {
        text.push(part.value);
      } else if (part instanceof vscode.LanguageModelToolCallPart) {
        toolCalls.push({ callId: part.callId, name: part.name, arguments: JSON.stringify(part.input ?? {}) });
      } else if (part instanceof vscode.LanguageModelToolResultPart) {
        toolResults.push({ role: 'tool', callId: part.callId, content: toolResultText(part.content) });
      } else if (part instanceof vscode.LanguageModelDataPart) {
        if (imageMimeTypes.has(part.mimeType.toLowerCase())) {
          images.push({ mimeType: part.mimeType.toLowerCase(), base64: Buffer.from(part.data).toString('base64') });
        } else {
          const decoded = dataPartText(part);
          if (decoded !== undefined) {
            text.push(decoded);
          }
        }
      }
      // Other parts (thinking, prompt-tsx outside a tool result) carry nothing the model reads as input.
    }
    const content = text.join('');
    switch (message.role as number) {
      case vscode.LanguageModelChatMessageRole.Assistant:
        if (content || toolCalls.length > 0) {
          converted.push(toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content });
        }
        break;
      case systemRole:
        converted.push({ role: 'system', content });
        break;
      default:
        converted.push(...toolResults);
        if (images.length > 0) {
          converted.push({ role: 'user', content, images });
        } else if (content || toolResults.length === 0) {
          converted.push({ role: 'user', content });
        }
    }
  }
  return converted;
}

/** The image types Azure OpenAI's vision models take. */
const imageMimeTypes = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp']);

/** VS Code's chat sends system prompts as role 3 (LanguageModelChatMessageRole.System, proposed API). */
const systemRole = 3;

export function toToolDefinitions(tools: readonly vscode.LanguageModelChatTool[] | undefined): ToolDefinition[] | undefined {
  if (!tools || tools.length === 0) {
    return undefined;
  }
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    // Chat completions and Responses both want an object schema; a tool without one takes no input.
    parameters: (tool.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
  }));
}

/** Text of a tool result: text parts as they are, JSON and text data decoded, prompt-tsx as JSON. */
function toolResultText(content: readonly unknown[]): string {
  const pieces: string[] = [];
  for (const part of content) {
    if (part instanceof vscode.LanguageModelTextPart) {
      pieces.push(part.value);
    } else if (part instanceof vscode.LanguageModelDataPart) {
      pieces.push(dataPartText(part) ?? `[${part.mimeType} data omitted]`);
    } else if (part instanceof vscode.LanguageModelPromptTsxPart) {
      pieces.push(JSON.stringify(part.value));
    }
  }
  return pieces.join('');
}

function dataPartText(part: vscode.LanguageModelDataPart): string | undefined {
  const mime = part.mimeType.toLowerCase();
  if (mime.startsWith('text/') || mime === 'application/json' || mime.endsWith('+json')) {
    return new TextDecoder().decode(part.data);
  }
  return undefined;
}

/** Turns the streamed text of a tool call's arguments into the object VS Code hands the caller. */
export function parseToolInput(argumentsText: string): object {
  if (!argumentsText.trim()) {
    return {};
  }
  const parsed: unknown = JSON.parse(argumentsText);
  // A tool's input is an object; a model that wrote a bare value still gets it through.
  return typeof parsed === 'object' && parsed !== null ? parsed : { value: parsed };
}
