import { randomUUID } from 'node:crypto';
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
    return await exec.getExecOutput(commandLine, args, { cwd, env: clean, ignoreReturnCode: true, silent: quiet ?? false });
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
