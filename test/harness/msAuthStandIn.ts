// Packages test/fixtures/ms-auth-standin as a VSIX (see fixtureVsix.ts).
//   node out/test/harness/msAuthStandIn.js   prints the VSIX path (used by scripts/start.sh)
import { fixtureDir, packageFixture } from './fixtureVsix';

export const msAuthStandInDir = fixtureDir('ms-auth-standin');

export function packageMsAuthStandIn(): string {
  return packageFixture('ms-auth-standin');
}
