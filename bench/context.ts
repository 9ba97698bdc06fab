/** What index.ts starts once and every figure shares. */
import type { ManagedIdentityStandIn } from '../test/standin/managedIdentityStandIn';
import type { BuildSnapshot } from './buildSnapshot';
import type { BenchStandIn } from './hostStack';
import type { BenchBrowser } from './webviewBridge';
import type { WorkbenchSession } from './workbench/workbenchSession';

export interface BenchContext {
  readonly standIn: BenchStandIn;
  readonly browser: BenchBrowser;
  /** The loopback IMDS every @azure/identity in this process (and its children) is pointed at. */
  readonly managedIdentity: ManagedIdentityStandIn;
  readonly repoRoot: string;
  /** The build the bench started with (see buildSnapshot.ts). */
  readonly build: BuildSnapshot;
  /** The real workbench (figures 6 and 7), started on first use and shared. */
  workbench(): Promise<WorkbenchSession>;
  /** Lines of context the figure prints under its heading. */
  log(line: string): void;
}
