// Starts VS Code's own server (server-main.js from code-server's npm package) on Node 24, with a
// fresh user-data, server-data and extensions folder per run, on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hermeticEnv } from './env';
import { logsRoot, node24, serverMain } from './paths';

export interface VSCodeServerOptions {
  /** Names the log folder .vscode-test/logs/<label>/, emptied at start and kept after stop. */
  readonly label: string;
  /** Written to <user-data-dir>/User/settings.json before start (application/machine scope included). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The server's environment, inherited by every extension host. Default: hermeticEnv(). */
  readonly env?: NodeJS.ProcessEnv;
  /** VSIX files installed into the fresh extensions folder before start. */
  readonly extensions?: readonly string[];
  /** Leave workspace trust on, so a folder opens in Restricted Mode. Default false. */
  readonly workspaceTrust?: boolean;
  /** Accept the smoke-test driver's payload (extensionDevelopmentPath, extensionTestsPath). Default true. */
  readonly testDriver?: boolean;
  readonly host?: string;
  /** 0 (the default) lets the server pick a free port. */
  readonly port?: number;
  readonly startTimeoutMs?: number;
}

/** One server-main.js process; `stop()` ends its whole process group (extension hosts included). */
export class VSCodeServer {
  /** Resolves with the exit code when the server process ends, expectedly or not. */
  readonly whenExited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly host: string,
    readonly port: number,
    /** The known folder with server.log (its stdout/stderr), vscode/ (VS Code's own logs) and more. */
    readonly logDir: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    private readonly scratchDir: string,
  ) {
    this.whenExited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
    });
  }

  static async start(options: VSCodeServerOptions): Promise<VSCodeServer> {
    assertInstalled();
    const host = options.host ?? '127.0.0.1';
    const logDir = path.join(logsRoot, options.label);
    fs.rmSync(logDir, { recursive: true, force: true });
    fs.mkdirSync(logDir, { recursive: true });
    const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), `aoai-vscode-${options.label}-`));
    const dirs = {
      serverData: path.join(scratchDir, 'server-data'),
      userData: path.join(scratchDir, 'user-data'),
      extensions: path.join(scratchDir, 'extensions'),
    };
    try {
      return await VSCodeServer.launch(options, host, logDir, scratchDir, dirs);
    } catch (error) {
      fs.rmSync(scratchDir, { recursive: true, force: true });
      throw error;
    }
  }

  private static async launch(
    options: VSCodeServerOptions,
    host: string,
    logDir: string,
    scratchDir: string,
    dirs: { serverData: string; userData: string; extensions: string },
  ): Promise<VSCodeServer> {
    writeUserSettings(dirs.userData, options.settings ?? {});
    const env = options.env ?? hermeticEnv();
    const common = [
      '--accept-server-license-terms',
      '--server-data-dir', dirs.serverData,
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
    ];
    if (options.extensions?.length) {
      await installExtensions(options.extensions, common, env, path.join(logDir, 'install-extensions.log'));
    }
    const args = [
      serverMain,
      '--host', host,
      '--port', String(options.port ?? 0),
      '--without-connection-token',
      '--disable-telemetry',
      // Do not run a login shell to collect its environment before each extension host: it takes
      // seconds and could put other folders before the fake `az` on PATH.
      '--force-disable-user-env',
      '--logsPath', path.join(logDir, 'vscode'),
      ...common,
    ];
    if (options.testDriver ?? true) {
      args.push('--enable-smoke-test-driver');
    }
    if (!options.workspaceTrust) {
      args.push('--disable-workspace-trust');
    }
    const serverLog = fs.createWriteStream(path.join(logDir, 'server.log'));
    const child = spawn(node24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(serverLog);
    child.stderr.pipe(serverLog);
    const port = await waitForListening(child, options.startTimeoutMs ?? 60_000, logDir);
    const server = new VSCodeServer(child, host, port, logDir, dirs.userData, dirs.extensions, scratchDir);
    killOnExit(server);
    return server;
  }

  /** The server's process id, which is also its process group's (extension hosts included). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get origin(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The URI the workbench uses for a path on this server's machine. */
  remoteUri(absolutePath: string): string {
    return `vscode-remote://${this.host}:${this.port}${absolutePath}`;
  }

  /** The workbench URL for a folder, with the smoke-test driver's payload entries. */
  workbenchUrl(folder: string, payload: ReadonlyArray<readonly [string, string]> = []): string {
    const query = new URLSearchParams({ folder });
    if (payload.length) {
      query.set('payload', JSON.stringify(payload));
    }
    return `${this.origin}/?${query.toString()}`;
  }

  /** Ends the server and its extension hosts; removes the scratch folders unless VSCODE_TEST_KEEP=1. */
  async stop(): Promise<void> {
    live.delete(this);
    const running = this.child.exitCode === null && this.child.signalCode === null;
    if (running && this.child.pid !== undefined) {
      signalGroup(this.child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(this.child.pid!, 'SIGKILL'), 5_000);
      await this.whenExited;
      clearTimeout(timer);
    }
    // Extension hosts share the group; make sure none outlives the server.
    if (this.child.pid !== undefined) {
      signalGroup(this.child.pid, 'SIGKILL');
    }
    this.removeScratch();
  }

  /** For process exit: synchronous, no waiting. */
  killNow(): void {
    if (this.child.pid !== undefined) {
      signalGroup(this.child.pid, 'SIGKILL');
    }
    this.removeScratch();
  }

  private removeScratch(): void {
    if (process.env.VSCODE_TEST_KEEP === '1') {
      console.log(`harness: kept ${this.scratchDir}`);
    } else {
      fs.rmSync(this.scratchDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

const live = new Set<VSCodeServer>();

/**
 * Servers run in their own process group (so stop() reaches the extension hosts), which also
 * means Ctrl+C does not reach them: end them when this process ends, however it ends.
 * Installed with the first server, so merely importing this module changes nothing.
 */
function killOnExit(server: VSCodeServer): void {
  if (!exitHandlersInstalled) {
    exitHandlersInstalled = true;
    process.on('exit', () => live.forEach((s) => s.killNow()));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        live.forEach((s) => s.killNow());
        process.exit(128 + os.constants.signals[signal]);
      });
    }
  }
  live.add(server);
}

let exitHandlersInstalled = false;

function assertInstalled(): void {
  for (const file of [node24, serverMain]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: run bash test/harness/install.sh first`);
    }
  }
}

export function writeUserSettings(userDataDir: string, settings: Readonly<Record<string, unknown>>): void {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, undefined, 2));
}

/** One server-main.js run installs every VSIX (a folder copied into the extensions dir would be removed). */
async function installExtensions(
  vsixFiles: readonly string[],
  common: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<void> {
  const args = [serverMain, ...vsixFiles.flatMap((vsix) => ['--install-extension', vsix]), '--force', ...common];
  const child = spawn(node24, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  const output = Buffer.concat(chunks).toString();
  fs.writeFileSync(logFile, output);
  // The CLI exits 0 even when an install failed, so read what it said.
  const failed = code !== 0 || /Failed Installing|not compatible|Error:/i.test(output);
  if (failed) {
    throw new Error(`installing ${vsixFiles.join(', ')} failed (exit ${code}):\n${output}`);
  }
}

function waitForListening(child: ChildProcess, timeoutMs: number, logDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      fail(`VS Code server did not listen within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Extension host agent listening on (\d+)/.exec(output);
      if (match) {
        cleanup();
        resolve(Number(match[1]));
      } else if (output.includes('EADDRINUSE')) {
        // The server stays up without listening; say so now instead of at the timeout.
        fail('the port is already in use');
      }
    };
    const onExit = (code: number | null): void => fail(`VS Code server exited (code ${code}) before listening`);
    function fail(message: string): void {
      cleanup();
      if (child.pid !== undefined) {
        signalGroup(child.pid, 'SIGKILL');
      }
      reject(new Error(`${message}; logs in ${logDir}\n${output.slice(-4000)}`));
    }
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
