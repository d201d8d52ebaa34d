import { execFile } from 'node:child_process';
import { dirname } from 'node:path';

/** Long enough for a diff or fetch of a large repository; a git that answers nothing by then is stopped. */
const GIT_TIME_MS = 60_000;
/** A diff of every path of a repository of 500,000 files. */
const MAX_GIT_OUTPUT = 64 * 1024 * 1024;

/** How a git command failed: its first line of error output, or why it could not run. */
export class GitError extends Error {}

/**
 * Runs git in `workspace` (the repository's root: GIT_CEILING_DIRECTORIES keeps git from finding one above it), with
 * no shell, a bounded time and output, and git's own environment, not the job's: PATH and the home folder (whose
 * config may hold `safe.directory` or a credential helper), never a prompt, and fsmonitor off (a repository's config
 * names that command). Returns its standard output.
 */
export function runGit(workspace: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    GIT_CEILING_DIRECTORIES: dirname(workspace),
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
  };
  for (const name of ['HOME', 'USERPROFILE', 'SYSTEMROOT', 'TMPDIR', 'TEMP', 'TMP']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', ...args],
      { cwd: workspace, env, encoding: 'utf8', maxBuffer: MAX_GIT_OUTPUT, timeout: GIT_TIME_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const { code, killed } = error as NodeJS.ErrnoException & { killed?: boolean };
        const reason = killed
          ? `no answer in ${GIT_TIME_MS / 1000} s`
          : typeof code === 'string'
            ? code
            : stderr.trim().split(/\r?\n/)[0] || error.message.split(/\r?\n/)[0]!;
        reject(new GitError(reason));
      },
    );
  });
}
