import { markdownCode } from './log-text.js';
import { relativePosix } from './text.js';

/** What the workspace's own folder is, where a user reads a program's folder. */
export const REPOSITORY_ROOT = 'the repository root';
/** What the command line's folders are relative to. */
export const CURRENT_FOLDER = 'the current folder';

/**
 * A folder as log lines, group titles and messages name it: relative to `base` (the workspace), "/"-separated, and
 * `base` itself said for what it is: "the repository root (.)". Outputs and reports keep "." (relativePosix), for
 * machines. `what`: what `base` is, when it is not the workspace (the command line's current folder).
 */
export function folderName(base: string, dir: string, what = REPOSITORY_ROOT): string {
  return shownFolder(relativePosix(base, dir), what);
}

/** folderName of a folder already relative ("." or "" for `base` itself). */
export function shownFolder(relative: string, what = REPOSITORY_ROOT): string {
  return relative === '' || relative === '.' ? `${what} (.)` : relative;
}

/** shownFolder for Markdown (the job summary): the folder as code, "." too. */
export function markdownFolder(relative: string): string {
  return relative === '' || relative === '.' ? `${REPOSITORY_ROOT} (${markdownCode('.', 'text')})` : markdownCode(relative, 'text');
}
