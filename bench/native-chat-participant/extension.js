// Bench only (npm run bench, figure 9), never part of the VSIX. The bench packages this folder
// without dependencies and points AOAI_BENCH_OPENAI_MODULE at the repository's own `openai`, the
// package the extension streams with, so both chats parse the stream with the same code.
//
// The participant streams the Azure OpenAI stand-in's answer into VS Code's own chat view with
// `response.markdown()` per delta, as a chat extension does. The chat view needs a language model
// to run any participant; the one registered here answers nothing.
'use strict';
const fs = require('fs');
const vscode = require('vscode');
const { AzureOpenAI } = require(process.env.AOAI_BENCH_OPENAI_MODULE || 'openai');

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider('aoai-bench', silentModels()));
  const participant = vscode.chat.createChatParticipant('aoaiBench.participant', streamStandInAnswer);
  context.subscriptions.push(participant);
  // The bench runs this from the command palette: it opens the chat view with the silent model
  // chosen (its picker offers only "Sign in to use Copilot" while signed out of GitHub) and the
  // participant named in the input; the bench then presses Enter itself.
  context.subscriptions.push(
    vscode.commands.registerCommand('aoaiBench.prepareNativeChat', async () => {
      await vscode.commands.executeCommand('workbench.action.chat.newChat');
      await vscode.commands.executeCommand('workbench.action.chat.open', {
        query: '@bench ',
        isPartialQuery: true,
        modelSelector: { vendor: 'aoai-bench' },
      });
    }),
  );
  // Figure 8 runs this beside the raw SDK in the bench's own node: the same SDK consuming the same
  // stream inside the extension host (its Node, its patched networking, its share of the CPU), so
  // the bench can tell the extension host's own cost from ours. The time goes to a file.
  context.subscriptions.push(
    vscode.commands.registerCommand('aoaiBench.rawInExtensionHost', async () => {
      const started = performance.now();
      const stream = await standInClient().chat.completions.create({
        model: process.env.AOAI_STANDIN_DEPLOYMENT,
        messages: [{ role: 'user', content: 'Write a long answer.' }],
        stream: true,
      });
      let received = 0;
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta?.content?.length ?? 0;
      }
      const elapsedMs = performance.now() - started;
      fs.appendFileSync(process.env.AOAI_BENCH_RESULTS_FILE, `${JSON.stringify({ elapsedMs, received })}\n`);
    }),
  );
}

function standInClient() {
  return new AzureOpenAI({
    endpoint: process.env.AOAI_STANDIN_ENDPOINT,
    apiKey: process.env.AOAI_STANDIN_API_KEY,
    deployment: process.env.AOAI_STANDIN_DEPLOYMENT,
    apiVersion: '2024-10-21',
  });
}

function silentModels() {
  const model = {
    id: 'aoai-bench-silent',
    name: 'Bench (answers nothing)',
    family: 'aoai-bench',
    version: '1',
    maxInputTokens: 100000,
    maxOutputTokens: 100000,
    capabilities: {},
    // Not in the stable typings, but passed through: without it the model picker leaves the model
    // out, and the chat view's default model can only be one of vendor `copilot`.
    isUserSelectable: true,
  };
  return {
    provideLanguageModelChatInformation: () => [model],
    provideLanguageModelChatResponse: async () => undefined,
    provideTokenCount: async (_model, text) => Math.ceil((typeof text === 'string' ? text.length : 0) / 4),
  };
}

/** @type {vscode.ChatRequestHandler} */
async function streamStandInAnswer(request, _context, response, token) {
  const client = standInClient();
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  const stream = await client.chat.completions.create(
    { model: process.env.AOAI_STANDIN_DEPLOYMENT, messages: [{ role: 'user', content: request.prompt }], stream: true },
    { signal: controller.signal },
  );
  for await (const chunk of stream) {
    const text = chunk.choices[0]?.delta?.content;
    if (text) {
      response.markdown(text);
    }
  }
  return {};
}

module.exports = { activate };
