import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunProcessOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** SIGKILL the process itself (as a cancelled or crashed step is) as soon as its stdout holds this text. */
  killAfterOutput?: string;
}

/** How long to wait for pipes to close once the process group is gone. */
const PIPE_DRAIN_MS = 5_000;

/**
 * The machine's PATH without node_modules/.bin folders, which `npm test` would add: a step on a
 * runner does not see this project's tools.
 */
export function machinePath(): string {
  return (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
    .split(path.delimiter)
    .filter((entry) => entry !== '' && !entry.split(path.sep).includes('node_modules'))
    .join(path.delimiter);
}

/** Kills a whole process group; a group that is already gone is fine. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs a command in its own process group with stdin closed, collects its output, and kills the
 * group on timeout and after exit (so nothing it started outlives it).
 */
export function runProcess(command: string, args: string[], options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let seen = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.killAfterOutput === undefined || killed) return;
      // The text may straddle two chunks: keep a tail as long as it.
      seen = (seen + chunk.toString('utf8')).slice(-(options.killAfterOutput.length + chunk.length));
      if (seen.includes(options.killAfterOutput)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${command}: ${error.message}`));
    });
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      killGroup(child.pid);
      const finish = (): void =>
        resolve({
          exitCode,
          signal,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          timedOut,
        });
      const drainTimer = setTimeout(finish, PIPE_DRAIN_MS);
      child.on('close', () => {
        clearTimeout(drainTimer);
        finish();
      });
    });
  });
}
