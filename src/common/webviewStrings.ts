/**
 * Every string the chat webview shows or speaks, in English, keyed once. The webview starts with
 * this table and replaces it with the translated one the host puts in the page's initial state
 * (src/webviewHost/webviewStrings.ts builds it with vscode.l10n.t). `{0}`, `{1}` are arguments,
 * filled in by the webview; a translation must keep the same ones.
 *
 * Pure (no vscode, no DOM): both sides import it.
 */
export const englishWebviewStrings = {
  // Header
  notSetUpTitle: 'Azure OpenAI Chat is not set up yet.',
  notSetUpDetail: 'Set the endpoint and deployment in the settings.',
  selectDeployment: 'Select deployment',
  selectADeployment: 'Select a deployment',
  deploymentTitle: 'Deployment: {0}. Click to switch.',
  deploymentLabel: 'Deployment {0}, switch deployment',
  tenant: 'Tenant: {0}',
  signInHint: 'Sign in to chat with your Azure OpenAI deployment.',
  // Problem card fixes
  actionRetry: 'Retry',
  actionOpenSettings: 'Open Settings',
  actionSignIn: 'Sign in with Microsoft',
  actionSetApiKey: 'Use an API key',
  actionSetSubscriptionKey: 'Set Subscription Key',
  actionShowLog: 'Show Log',
  actionSelectDeployment: 'Select Deployment',
  actionDiagnose: 'Diagnose',
  actionNewChat: 'New Chat',
  actionContinue: 'Continue',
  // Composer
  questionPlaceholder: 'Ask Azure OpenAI…',
  questionTitle: 'Enter sends, Shift+Enter adds a line, Escape stops an answer, Alt+F1 shows the accessibility help',
  questionLabel: 'Question',
  send: 'Send',
  sendTitle: 'Send (Enter)',
  stop: 'Stop',
  stopTitle: 'Stop (Escape)',
  questionTooLong: 'This question is {0} characters long; the limit is {1}.',
  newChat: 'New chat',
  // Conversation
  conversation: 'Conversation',
  you: 'You',
  assistant: 'Azure OpenAI',
  welcomeTitle: 'Chat with Azure OpenAI',
  welcomeText: 'Ask a question below. Enter sends, Shift+Enter adds a line, Escape stops an answer. Alt+F1 shows the accessibility help.',
  jumpToLatest: 'Scroll to the latest message',
  answering: 'Azure OpenAI is answering…',
  answerComplete: 'Answer complete.',
  answerCompleteWithText: 'Azure OpenAI answered: {0}',
  answerStopped: 'Answer stopped.',
  answerFailed: 'The answer failed.',
  stopped: 'Stopped',
  // The extension host went away (webview/hostLiveness.ts)
  hostStopped: 'The extension host stopped. The chat reconnects when it is back; the conversation is saved.',
  hostInterruptedTitle: 'This answer was interrupted: the extension host stopped.',
  hostInterruptedDetail: 'What arrived is kept.',
  hostNotSent: 'Not sent: the extension host stopped. Send again once the chat is back.',
  waitRateLimited: 'Azure OpenAI asked to wait (rate limit): {0}',
  waitServiceTrouble: 'Azure OpenAI did not answer: {0}',
  waitSeconds: 'trying again in {0} s. Your question is kept; Stop cancels.',
  waitNow: 'trying again now. Your question is kept; Stop cancels.',
  // Code blocks and answers
  codeBlock: 'Code block',
  codeBlockLanguage: 'Code block, {0}',
  insertCode: 'Insert',
  insertCodeLabel: 'Insert code at cursor',
  insertCodeTitle: 'Insert at the cursor in the last editor',
  openCode: 'Open',
  openCodeLabel: 'Open code in new editor',
  openCodeTitle: 'Open in a new editor with its language',
  copyCode: 'Copy',
  copyCodeLabel: 'Copy code',
  copied: 'Copied',
  imageNotLoaded: 'image not loaded: {0} ({1})',
  imageNotLoadedTitle: 'Images in answers are not loaded',
  // Turn actions
  questionActions: 'Question actions',
  answerActions: 'Answer actions',
  edit: 'Edit',
  editLabel: 'Edit this question and ask again',
  editTitle: 'Edit and ask again (replaces this question and its answer)',
  copyAnswer: 'Copy',
  copyAnswerLabel: 'Copy answer as Markdown',
  copyAnswerTitle: 'Copy the whole answer as Markdown',
  regenerate: 'Regenerate',
  regenerateLabel: 'Regenerate answer (this answer is kept above the new one)',
  regenerateTitle: 'Ask for another answer; this one is kept above it',
  editingNote: 'Editing your last question: Enter asks it again in place of the old one, Escape cancels.',
  // Context chips
  attachedContext: 'Attached context',
  chipSelection: 'Selection {0}, about {1} tokens',
  chipFile: 'File {0}, about {1} tokens',
  chipSelectionCut: 'Selection {0}, about {1} tokens, cut',
  chipFileCut: 'File {0}, about {1} tokens, cut',
  chipTokens: '~{0} tokens',
  remove: 'Remove',
  removeNamed: 'Remove {0}',
  attachActiveFile: 'Attach the active file',
  attachFiles: 'Attach files…',
  attachFilesTitle: 'Attach files… (or drop them here with Shift)',
  // History
  history: 'Conversation history',
  searchConversations: 'Search conversations',
  closeHistory: 'Close history',
  closeHistoryTitle: 'Close history (Escape)',
  conversations: 'Conversations',
  noConversations: 'No conversations yet.',
  noConversationMentions: 'No conversation mentions “{0}”.',
  undo: 'Undo',
  deleted: 'Deleted “{0}”. ',
  rename: 'Rename',
  exportMarkdown: 'Export as Markdown',
  delete: 'Delete',
  actionOnConversation: '{0} “{1}”',
  today: 'Today {0}',
  // Models
  effort: 'Effort',
  effortTitle: 'How hard the model thinks before answering',
  effortFor: 'Reasoning effort for {0}',
  effortDefault: 'Default',
  effortMinimal: 'Minimal',
  effortLow: 'Low',
  effortMedium: 'Medium',
  effortHigh: 'High',
  thinking: 'Thinking',
  thinkingAbout: 'Thinking: {0}',
  tokens: 'Tokens: {0}',
  tokensIn: '{0} in',
  tokensCached: '{0} cached',
  usageAndCost: 'Usage and cost',
  tokensOut: '{0} out',
  tokensReasoning: '{0} reasoning',
  contextFill: 'Context {0}%',
  contextFillTitle: "This conversation fills {0} of the model's {1} tokens.",
  sendingStarts: 'Messages above this line are not sent: they no longer fit the model’s context window.',
  // Accessibility help (Alt+F1)
  helpTitle: 'Accessibility help: Azure OpenAI Chat',
  helpIntro: 'The conversation is a list of questions and answers. Screen readers hear an answer once, when it is complete.',
  helpAsk: 'In the question box, Enter sends and Shift+Enter adds a line. Up in an empty box recalls your last question.',
  helpStop: 'Escape stops an answer from anywhere in the chat.',
  helpToAnswers: 'Ctrl+Up moves from the question box to the last answer; Ctrl+Down goes back to the question box.',
  helpBetweenAnswers: 'In the conversation, Up and Down move between questions and answers, Home and End to the first and last.',
  helpCodeBlocks: 'Ctrl+Alt+PageDown and Ctrl+Alt+PageUp move to the next and previous code block; Tab then reaches its Insert, Open and Copy buttons.',
  helpHistory: 'The History button opens the conversations: type to search, Up and Down to choose, Enter to open, Escape to close.',
  helpClose: 'Escape closes this help.',
  close: 'Close',
} as const;

export type WebviewStringKey = keyof typeof englishWebviewStrings;
export type WebviewStrings = Readonly<Record<WebviewStringKey, string>>;

/** Data attribute of #chat-root that carries the translated table as JSON. */
export const webviewStringsAttribute = 'data-strings';

/** `{0}`, `{1}`... of a template, sorted: a translation must use the same set. */
export function placeholders(template: string): string {
  return [...new Set(template.match(/\{\d+\}/g) ?? [])].sort().join();
}

/**
 * The table to use: English, with each translation that is a string for a known key and keeps
 * the English text's arguments. Anything else in `value` (a stale or hostile state) is ignored.
 */
export function mergeWebviewStrings(value: unknown): WebviewStrings {
  const merged: Record<string, string> = { ...englishWebviewStrings };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, english] of Object.entries(englishWebviewStrings)) {
      const translated = (value as Record<string, unknown>)[key];
      if (Object.hasOwn(value, key) && typeof translated === 'string' && translated.length > 0 && translated.length <= 2000 && placeholders(translated) === placeholders(english)) {
        merged[key] = translated;
      }
    }
  }
  return merged as WebviewStrings;
}

/** Fills `{0}`, `{1}`... in one pass, so an argument that contains `{1}` stays as it is. */
export function formatString(template: string, ...args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? match : String(arg);
  });
}
