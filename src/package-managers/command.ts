import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import * as exec from '@actions/exec';
import { withoutRunnerCredentials } from '../token/runner-credentials.js';
import { ActionError } from '../util/errors.js';

export interface CommandResult {
  /** null when a signal ended the process (killed, out of memory, the job cancelled). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command line in a folder with an environment; the one place the action starts processes. */
export type CommandRunner = (commandLine: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean }) => Promise<CommandResult>;

export const runCommand: CommandRunner = async (commandLine, args, { cwd, env, quiet }) => {
  // npm and install scripts print what packages tell them to: keep their lines from acting as workflow commands.
  const resume = randomUUID();
  if (!quiet) process.stdout.write(`::stop-commands::${resume}\n`);
  try {
    // No process the action starts gets the runner's credentials (cache, OIDC), whatever `env` it was given.
    const clean = withoutRunnerCredentials(env) as Record<string, string>;
    return await exec.getExecOutput(onItsPath(commandLine, env), args, { cwd, env: clean, ignoreReturnCode: true, silent: quiet ?? false });
  } catch (error) {
    // @actions/exec rejects when the program cannot be started at all (not found on PATH, folder missing).
    const program = commandLine.split(' ')[0];
    if (/Unable to locate executable file/.test((error as Error).message)) {
      const setup =
        program === 'npm' || program === 'node' ? 'Set up Node.js and npm in an earlier step (actions/setup-node).' : 'Set it up in an earlier step.';
      throw new ActionError(`Cannot run "${program}": it is not on the PATH. ${setup}`);
    }
    throw new ActionError(`Cannot run "${[commandLine, ...args].join(' ')}" in ${cwd}: ${(error as Error).message}`);
  } finally {
    if (!quiet) process.stdout.write(`::${resume}::\n`);
  }
};

/** What `<tool> --version` prints on the runner (the action itself runs on a Node.js of its own); '' when it fails or is not on the PATH. */
export async function toolVersion(context: { run: CommandRunner; env: NodeJS.ProcessEnv }, tool: string, cwd: string): Promise<string> {
  const result = await context.run(tool, ['--version'], { cwd, env: context.env, quiet: true }).catch(() => undefined);
  return result?.exitCode === 0 ? result.stdout.trim() : '';
}

/**
 * The command line with its program found on the PATH of the environment it runs with (@actions/exec looks on the
 * action's own PATH): a manager the action installed, or a test's PATH, decides which one runs. A program that is
 * quoted, a path, or not on that PATH is left to @actions/exec as written.
 */
function onItsPath(commandLine: string, env: NodeJS.ProcessEnv): string {
  const [program = '', ...rest] = commandLine.split(' ');
  if (!/^[\w.+-]+$/.test(program)) return commandLine;
  const found = findOnPath(program, env);
  return found ? [found, ...rest].join(' ') : commandLine;
}

/** The first executable `program` in the folders of `env`'s PATH (with PATHEXT's endings on Windows). */
export function findOnPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  const pathVariable = Object.keys(env).find((name) => name.toUpperCase() === 'PATH');
  const folders = (pathVariable ? (env[pathVariable] ?? '') : '').split(path.delimiter).filter(Boolean);
  const endings = process.platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT;.COM').split(';') : [''];
  for (const folder of folders) {
    for (const ending of endings) {
      const candidate = path.join(folder, program + ending);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
