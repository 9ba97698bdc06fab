/**
 * The deployment a conversation was switched to (from the chat header), remembered with the
 * conversation. It is the conversation's connection target (src/config/connectionTarget.ts):
 * its questions go there; everything else (validation, the token host policy, the sign-in)
 * applies to it unchanged.
 */
export { type ConnectionTarget as DeploymentChoice, isConnectionTarget as isDeploymentChoice } from '../config/connectionTarget';
