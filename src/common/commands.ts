/**
 * Every command id the extension registers, defined once. `test/unit/manifest.test.ts` checks
 * this list against package.json's `contributes.commands` both ways, so a renamed or added
 * command cannot drift from the manifest.
 */
export const CommandId = {
  openChat: 'azureOpenAIChat.openChat',
  newChat: 'azureOpenAIChat.newChat',
  signIn: 'azureOpenAIChat.signIn',
  setApiKey: 'azureOpenAIChat.setApiKey',
  clearApiKey: 'azureOpenAIChat.clearApiKey',
  setSubscriptionKey: 'azureOpenAIChat.setSubscriptionKey',
  clearSubscriptionKey: 'azureOpenAIChat.clearSubscriptionKey',
  showLog: 'azureOpenAIChat.showLog',
  manageLanguageModels: 'azureOpenAIChat.manageLanguageModels',
  selectDeployment: 'azureOpenAIChat.selectDeployment',
  refreshDeployments: 'azureOpenAIChat.refreshDeployments',
  selectTenant: 'azureOpenAIChat.selectTenant',
  diagnoseConnection: 'azureOpenAIChat.diagnoseConnection',
  copyDiagnosticReport: 'azureOpenAIChat.copyDiagnosticReport',
  openConversation: 'azureOpenAIChat.openConversation',
  showHistory: 'azureOpenAIChat.showHistory',
  sideBarNewChat: 'azureOpenAIChat.sideBar.newChat',
  sideBarShowHistory: 'azureOpenAIChat.sideBar.showHistory',
  askAboutSelection: 'azureOpenAIChat.askAboutSelection',
  attachActiveFile: 'azureOpenAIChat.attachActiveFile',
  focusInput: 'azureOpenAIChat.focusInput',
  exportConversation: 'azureOpenAIChat.exportConversation',
  // Spend (issue 21).
  showUsage: 'azureOpenAIChat.showUsage',
  toggleOfferModels: 'azureOpenAIChat.toggleOfferModels',
  // Tools (issue 20).
  pickTools: 'azureOpenAIChat.pickTools',
  forgetToolApprovals: 'azureOpenAIChat.forgetToolApprovals',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];
