import * as path from 'node:path';
import { isDynamicPattern } from 'tinyglobby';

/** A line of `working-directory` (or a folder argument of the command line), as the run reads it. */
export type FolderLine =
  | { kind: 'auto'; line: string }
  /** `base`: the folders before the first part with glob characters, where every match lies ('.' for the workspace). */
  | { kind: 'glob'; line: string; base: string }
  /** A folder, its escaped glob characters unescaped. */
  | { kind: 'folder'; line: string; folder: string };

/** A backslash before a character the glob library gives a meaning to (tinyglobby's `escapePath` writes these). */
const ESCAPED = /\\([()[\]{}*?!+@])/g;

/**
 * `auto`, a glob (as tinyglobby reads it: `infra/*`, `stacks/**`, `{a,b}`), or a folder. A folder named `auto` is
 * written `./auto`; one whose name holds glob characters has them escaped (`x\[1\]`), as tinyglobby's escapePath does.
 */
export function folderLine(line: string): FolderLine {
  if (line === 'auto') return { kind: 'auto', line };
  if (!isDynamicPattern(line)) return { kind: 'folder', line, folder: line.replace(ESCAPED, '$1') };
  const base: string[] = [];
  for (const part of line.split('/')) {
    if (isDynamicPattern(part)) break;
    if (part !== '.' && part !== '') base.push(part.replace(ESCAPED, '$1'));
  }
  // A pattern that starts with "/" is absolute: its base keeps the root, so that it is found to be outside the workspace.
  return { kind: 'glob', line, base: (line.startsWith('/') ? '/' : '') + (base.join('/') || (line.startsWith('/') ? '' : '.')) };
}

/** True when `folder` is `workspace` or inside it (both absolute). */
export function isInside(workspace: string, folder: string): boolean {
  const relative = path.relative(workspace, folder);
  return !(relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative));
}
