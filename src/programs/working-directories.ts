import * as fs from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../util/errors.js';
import { folderName } from '../util/folder-name.js';
import { relativePosix } from '../util/text.js';
import { packageFolderFor } from '../program-files/program-folder.js';
import { folderLine, isInside, type FolderLine } from './patterns.js';
import type { ChangeCheck } from './changed.js';
import type { PassedOver } from './discover.js';

/**
 * A folder to check and install: its package folder, how the user named it (for messages), and the Pulumi programs it
 * stands for (the folders holding Pulumi.yaml, for the `programs` output): the same folder, or ones below it whose
 * package.json is this folder's (Pulumi's Node.js host looks up the tree).
 */
export interface WorkingDirectory {
  path: string;
  input: string;
  programs: string[];
}

/** What `auto` and the globs found, and what `changed-since` left out: for the summary. */
export interface ProgramSelection {
  /** The lines that searched (`auto`, globs); empty when every line named a folder. */
  searches: string[];
  /** Folders holding a Pulumi project that are not Node.js programs (another runtime, no package.json). */
  passedOver: PassedOver[];
  /** The commit of `changed-since`, and the programs left out because nothing of theirs changed since. */
  changedSince?: string;
  skipped: { dir: string; reason: string }[];
}

/**
 * The program folders of `working-directory`, one line each: a folder, `auto` (every program in the workspace) or a
 * glob (the programs among the folders it matches). Folders are checked to exist inside the workspace; a glob that
 * selects no program is an error naming it. Programs come in the lines' order, each search's sorted, each once. With
 * `changed` (changed-since), the programs it finds untouched are skipped, and a search reads only the others' files.
 */
export async function readWorkingDirectories(
  raw: string,
  workspace: string,
  changed?: ChangeCheck,
): Promise<{ directories: WorkingDirectory[]; selection: ProgramSelection }> {
  const lines = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map(folderLine);
  const selection: ProgramSelection = { searches: lines.filter((line) => line.kind !== 'folder').map((line) => line.line), passedOver: [], skipped: [] };
  const named = new Map<string, string>();
  const directories = new Map<string, WorkingDirectory>();
  // Programs of one package.json (a Pulumi.yaml below it) are one folder to check and install.
  const add = (program: string, input: string) => {
    const folder = packageFolderFor(program, workspace);
    const directory = directories.get(folder);
    if (!directory) directories.set(folder, { path: folder, input, programs: [program] });
    else if (!directory.programs.includes(program)) directory.programs.push(program);
  };
  for (const line of lines) {
    if (line.kind === 'folder') {
      const folder = namedFolder(line, workspace);
      const earlier = named.get(folder);
      if (earlier !== undefined) {
        throw new ActionError(`Input "working-directory" lists the same folder twice ("${earlier}" and "${line.line}"): list each program once.`);
      }
      named.set(folder, line.line);
      add(folder, line.line);
      continue;
    }
    const { programs, passedOver, unwanted } = await searchPrograms(line, workspace, changed);
    selection.passedOver.push(...passedOver.filter((item) => !selection.passedOver.some((other) => other.dir === item.dir)));
    for (const program of [...programs, ...unwanted].sort(byPath)) add(program, relativePosix(workspace, program) || '.');
  }
  if (!changed) return { directories: [...directories.values()], selection };
  const kept: WorkingDirectory[] = [];
  for (const directory of directories.values()) {
    if (await changed.touches(directory.path)) kept.push(directory);
    else selection.skipped.push({ dir: directory.path, reason: changed.skippedReason });
  }
  return { directories: kept, selection: { ...selection, changedSince: changed.commit } };
}

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The programs `auto` or a glob line selects; the search and the glob library load only for such a line. */
async function searchPrograms(line: Exclude<FolderLine, { kind: 'folder' }>, workspace: string, changed?: ChangeCheck, label = 'Input "working-directory"') {
  const { findPrograms } = await import('./discover.js');
  const options = changed && { wanted: changed.touches };
  if (line.kind === 'auto') {
    const found = await findPrograms(workspace, workspace, options);
    if (found.programs.length === 0 && found.unwanted.length === 0) {
      throw new ActionError(
        `${label} is "auto", and no folder of the workspace holds a Pulumi.yaml with runtime nodejs or bun and a package.json` +
          `${passedOverNote(found.passedOver, workspace)}: check out the repository first (actions/checkout), or name the programs' folders.`,
      );
    }
    return found;
  }
  const base = path.resolve(workspace, line.base);
  if (!isInside(workspace, base)) {
    throw new ActionError(`${label} holds the glob "${line.line}", which reaches outside the workspace ${workspace}: give a pattern inside the repository.`);
  }
  const stat = fs.statSync(base, { throwIfNoEntry: false });
  const found = stat?.isDirectory() ? await findPrograms(base, workspace, options) : { programs: [], passedOver: [], unwanted: [] };
  const matched = new Set(await globFolders(line.line, workspace));
  const isMatched = (folder: string) => matched.has(relativePosix(workspace, folder));
  const programs = found.programs.filter(isMatched);
  const unwanted = found.unwanted.filter(isMatched);
  if (programs.length === 0 && unwanted.length === 0) {
    const passedOver = found.passedOver.filter((item) => isMatched(item.dir));
    throw new ActionError(
      `${label} holds the glob "${line.line}", which matches no Pulumi program of Node.js${passedOverNote(passedOver, workspace)}: ` +
        'fix the pattern, or, for a folder whose name holds glob characters, escape them with "\\" (e.g. "x\\[1\\]").',
    );
  }
  return { programs, passedOver: found.passedOver.filter((item) => isMatched(item.dir)), unwanted };
}

/**
 * The command line's folder arguments, each `auto` or glob replaced by the programs it selects (relative to `cwd`, the
 * workspace of a search), and a Pulumi.yaml folder below its package.json by the package folder (found up the tree,
 * as Pulumi does); other arguments are kept as given.
 */
export async function expandFolderArguments(dirs: string[], cwd: string): Promise<string[]> {
  const expanded: string[] = [];
  const packageFolderArgument = (dir: string) => {
    const given = path.resolve(cwd, dir);
    const folder = packageFolderFor(given, path.parse(given).root);
    return folder === given ? dir : path.relative(cwd, folder) || '.';
  };
  for (const dir of dirs) {
    const line = folderLine(dir);
    if (line.kind === 'folder') expanded.push(packageFolderArgument(dir));
    else
      for (const program of (await searchPrograms(line, cwd, undefined, 'The folder argument')).programs)
        expanded.push(packageFolderArgument(relativePosix(cwd, program) || '.'));
  }
  return [...new Set(expanded)];
}

/** The folders of the workspace that `pattern` matches, relative and "/"-separated, as tinyglobby reads the pattern. */
async function globFolders(pattern: string, workspace: string): Promise<string[]> {
  const { glob } = await import('tinyglobby');
  const { MAX_DEPTH } = await import('./discover.js');
  const matches = await glob(pattern, {
    cwd: workspace,
    onlyDirectories: true,
    expandDirectories: false,
    followSymbolicLinks: false,
    deep: MAX_DEPTH,
    ignore: ['**/node_modules/**'],
  });
  return matches.map((match) => match.replace(/\/$/, '') || '.');
}

function passedOverNote(passedOver: PassedOver[], workspace: string): string {
  if (passedOver.length === 0) return '';
  const shown = passedOver.slice(0, 3).map((item) => `${folderName(workspace, item.dir)} (${item.reason})`);
  return ` (passed over: ${shown.join(', ')}${passedOver.length > 3 ? `, and ${passedOver.length - 3} more` : ''})`;
}

/** The folder a line names, checked to be a folder inside the workspace. */
function namedFolder({ line, folder }: Extract<FolderLine, { kind: 'folder' }>, workspace: string): string {
  const resolved = path.resolve(workspace, folder);
  if (!isInside(workspace, resolved)) {
    throw new ActionError(`Input "working-directory" lists "${line}", which is outside the workspace ${workspace}: give a folder inside the repository.`);
  }
  checkFolder(resolved, line, workspace);
  return resolved;
}

function checkFolder(folder: string, input: string, workspace: string): void {
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    throw new ActionError(
      `Input "working-directory" lists "${input}", which does not exist (${folder}): ` +
        `check the path, and that the repository was checked out first (actions/checkout).`,
    );
  }
  if (!stat.isDirectory()) {
    throw new ActionError(`Input "working-directory" lists "${input}", which is a file, not a folder: give the folder that holds package.json.`);
  }
  // npm writes node_modules and the lockfile where the folder really is: judge by real paths, not by the names.
  const real = fs.realpathSync(folder);
  if (!isInside(fs.realpathSync(workspace), real)) {
    throw new ActionError(
      `Input "working-directory" lists "${input}", which goes through a symbolic link to ${real}, outside the workspace ${workspace}: ` +
        `give the folder inside the repository, not a link out of it.`,
    );
  }
}
