import { spawn } from 'node:child_process';
import * as vscode from 'vscode';

/** Output kept for the model (the terminal shows all of it); the tool loop cuts further. */
const maxCapturedChars = 1_000_000;

export interface CommandOutcome {
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly stopped: boolean;
}

/**
 * Runs one approved command line in a terminal of its own: the user watches it run in VS Code's
 * terminal, the model gets its output and exit code. The process is the extension's child (a
 * pseudoterminal), so Stop (the signal) ends it and its children for sure, and its output is
 * read exactly, whatever shell integration the user's shell has.
 */
export function runInTerminal(commandLine: string, cwd: string, signal: AbortSignal): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const write = new vscode.EventEmitter<string>();
    const close = new vscode.EventEmitter<number | void>();
    let output = '';
    let started = false;
    let finished = false;
    let child: ReturnType<typeof spawn> | undefined;
    const end = (exitCode: number | undefined, stopped: boolean) => {
      if (finished) {
        return;
      }
      finished = true;
      signal.removeEventListener('abort', onAbort);
      write.fire(`\r\n\x1b[2m[${stopped ? 'stopped' : `exit code ${exitCode ?? 'unknown'}`}]\x1b[0m\r\n`);
      resolve({ exitCode, output, stopped });
    };
    const kill = () => {
      if (child?.pid !== undefined && child.exitCode === null) {
        try {
          // The whole process group: a shell's children go too.
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
      }
    };
    const onAbort = () => {
      kill();
      end(undefined, true);
    };
    const start = () => {
      if (started || finished) {
        return;
      }
      started = true;
      write.fire(`\x1b[1m$ ${commandLine}\x1b[0m\r\n`);
      child = spawn(commandLine, { cwd, shell: true, detached: true, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const take = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        if (output.length < maxCapturedChars) {
          output += text.slice(0, maxCapturedChars - output.length);
        }
        write.fire(text.replace(/\r?\n/g, '\r\n'));
      };
      child.stdout?.on('data', take);
      child.stderr?.on('data', take);
      child.on('error', (error) => {
        output += `\n${error.message}`;
        end(undefined, false);
      });
      child.on('close', (code) => end(code ?? undefined, false));
    };
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: close.event,
      open: () => start(),
      close: () => {
        kill();
        end(undefined, true);
      },
    };
    if (signal.aborted) {
      resolve({ exitCode: undefined, output: '', stopped: true });
      return;
    }
    signal.addEventListener('abort', onAbort);
    const terminal = vscode.window.createTerminal({ name: `Azure OpenAI Chat: ${commandLine.slice(0, 40)}`, pty });
    terminal.show(true);
    // A terminal that is never shown is never opened: start anyway (what it wrote before is lost to the view, not to the model).
    setTimeout(start, 1500);
  });
}
