import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lockfileIn } from '../package-managers/index.js';
import { packageFolderOf } from '../program-files/program-folder.js';
import { ActionError } from '../util/errors.js';
import { relativePosix } from '../util/text.js';
import { runGit, type GitError } from './git.js';
import { isInside } from './patterns.js';
import type { WorkingDirectory } from './working-directories.js';

/** A commit as git names it in full (SHA-1 or SHA-256) or abbreviated. */
const COMMIT = /^[0-9a-f]{7,64}$/i;
/** The commit GitHub gives as `before` on a new branch's first push: every program counts as changed. */
const NO_COMMIT = /^0+$/;
/** The fields whose specs may point at a local package. */
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
/** Specs of a local package: a folder (or tarball) beside the program, or a member of its workspace. */
const LOCAL_SPEC = /^(file|link|portal):(.+)$/;
const WORKSPACE_SPEC = /^workspace:(.*)$/;
/** Local packages followed from one program, at most (each a package.json read). */
const MAX_LOCAL_PACKAGES = 500;
/** A package.json larger than this is not read for its local packages. */
const MAX_MANIFEST = 4 * 1024 * 1024;
/** Folders below the workspace searched for workspace members, and folders looked at, at most. */
const MAX_MEMBER_DEPTH = 32;
const MAX_MEMBER_FOLDERS = 20_000;
/** The files at a workspace root that every member installs with. */
const ROOT_FILES = ['package.json', 'pnpm-workspace.yaml'];

/** A program left out, and why (for the summary). */
export interface SkippedProgram {
  dir: string;
  reason: string;
}

/** The `changed-since` input: a commit, or undefined when empty. */
export function parseChangedSince(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (!COMMIT.test(value)) {
    throw new ActionError(
      `Input "changed-since" is "${value}", which is not a commit: give a commit's hash, ` +
        'e.g. ${{ github.event.pull_request.base.sha }} or ${{ github.event.before }}.',
    );
  }
  return value;
}

/**
 * The paths (relative to the workspace, "/"-separated) changed between `commit` and HEAD, or "every" for the all-zeros
 * commit. Started before the programs are found, so that git runs while the workspace is walked.
 */
export async function changesSince(commit: string, workspace: string): Promise<string[] | 'every'> {
  return NO_COMMIT.test(commit) ? 'every' : await changedPaths(commit, workspace);
}

/**
 * The programs with a change (`changes`, from changesSince) in their folder, in their package.json or lockfile or
 * those of their workspace's root, or in a local package they depend on (`file:`, `link:`, `portal:`, `workspace:`,
 * followed through the local packages' own); the others are skipped, with why.
 */
export function keepChanged(
  programs: WorkingDirectory[],
  changes: string[] | 'every',
  commit: string,
  workspace: string,
): { kept: WorkingDirectory[]; skipped: SkippedProgram[] } {
  if (changes === 'every') return { kept: programs, skipped: [] };
  const kept: WorkingDirectory[] = [];
  const skipped: SkippedProgram[] = [];
  const short = commit.slice(0, 7);
  const members = new Map<string, Map<string, string>>();
  const membersOf = (root: string) => members.get(root) ?? members.set(root, workspaceMembers(root, workspace)).get(root)!;
  for (const program of programs) {
    const watched = watchedPaths(program.path, workspace, membersOf);
    if (changes.some((file) => watched.some((area) => covers(area, file)))) kept.push(program);
    else skipped.push({ dir: program.path, reason: `no change since ${short} in its folder, its package.json or lockfile, or a local package it depends on` });
  }
  return { kept, skipped };
}

/** changesSince, then keepChanged. */
export async function changedPrograms(
  programs: WorkingDirectory[],
  commit: string,
  workspace: string,
): Promise<{ kept: WorkingDirectory[]; skipped: SkippedProgram[] }> {
  return keepChanged(programs, await changesSince(commit, workspace), commit, workspace);
}

/** The paths (relative to the workspace, "/"-separated) that differ between `commit` and HEAD, both sides of a rename. */
async function changedPaths(commit: string, workspace: string): Promise<string[]> {
  const diff = async () => (await runGit(workspace, ['diff', '--name-only', '-z', '--no-renames', '--relative', commit, 'HEAD', '--'])).split('\0');
  // The usual case in one git: the commit is there. Otherwise ask why, and fetch it once.
  const first = await diff().catch(() => undefined);
  if (first) return first.filter(Boolean);
  if (!(await hasCommit(commit, workspace))) {
    try {
      await runGit(workspace, ['fetch', '--depth=1', '--no-tags', '--no-recurse-submodules', 'origin', commit]);
    } catch (error) {
      throw new ActionError(
        `Input "changed-since" is ${commit}, which the checkout does not have, and fetching it failed (git fetch --depth=1 origin ${commit}: ` +
          `${(error as Error).message}): check out with the history it needs (actions/checkout's "fetch-depth: 0"), or give a commit of this repository.`,
      );
    }
  }
  try {
    return (await diff()).filter(Boolean);
  } catch (error) {
    throw new ActionError(
      `Input "changed-since": git could not compare ${commit} with HEAD in ${workspace} (${(error as Error).message}): ` +
        'the workspace must be the git checkout (actions/checkout) that holds the programs; check out with "fetch-depth: 0" if history is missing.',
    );
  }
}

/** True when the checkout holds `commit`; an error when the workspace is not a git checkout at all (asked only then). */
async function hasCommit(commit: string, workspace: string): Promise<boolean> {
  try {
    await runGit(workspace, ['cat-file', '-e', `${commit}^{commit}`]);
    return true;
  } catch {
    // Missing, or no repository: tell the two apart.
  }
  try {
    await runGit(workspace, ['rev-parse', '--git-dir']);
  } catch (error) {
    throw new ActionError(
      `Input "changed-since" needs the workspace ${workspace} to be a git checkout, and git says: ${(error as GitError).message}. ` +
        'Check out the repository first (actions/checkout), or leave "changed-since" empty.',
    );
  }
  return false;
}

/** A folder (every path inside it) or a file, relative to the workspace; '.' is the whole workspace. */
type Area = string;

function covers(area: Area, file: string): boolean {
  return area === '.' || file === area || file.startsWith(`${area}/`);
}

/**
 * What a program is made of: its folder, the package.json and lockfile it installs with (its package's, and its
 * workspace root's), and the local packages it depends on, each a folder.
 */
function watchedPaths(programDir: string, workspace: string, membersOf: (root: string) => Map<string, string>): Area[] {
  const areas = new Set<Area>([relative(workspace, programDir)]);
  const packageDir = packageFolderOf(programDir, workspace) ?? programDir;
  const root = workspaceRoot(packageDir, workspace);
  for (const folder of new Set([packageDir, root])) {
    for (const name of ROOT_FILES) areas.add(relative(workspace, path.join(folder, name)));
    const lockfile = lockfileIn(folder)?.file;
    if (lockfile) areas.add(relative(workspace, lockfile));
  }
  const pending = [packageDir];
  const seen = new Set(pending);
  while (pending.length > 0 && seen.size <= MAX_LOCAL_PACKAGES) {
    const folder = pending.pop()!;
    for (const local of localPackages(folder, root, membersOf)) {
      if (!isInside(workspace, local)) continue;
      areas.add(relative(workspace, local));
      if (!seen.has(local)) {
        seen.add(local);
        pending.push(local);
      }
    }
  }
  return [...areas];
}

/** The folders of the local packages the package.json in `folder` depends on; the workspace root for a `workspace:` name not found. */
function localPackages(folder: string, root: string, membersOf: (root: string) => Map<string, string>): string[] {
  const manifest = readManifest(folder);
  const found: string[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const section = manifest?.[field];
    if (typeof section !== 'object' || section === null) continue;
    for (const [name, spec] of Object.entries(section as Record<string, unknown>)) {
      if (typeof spec !== 'string') continue;
      const local = LOCAL_SPEC.exec(spec);
      if (local) {
        found.push(path.resolve(folder, local[2]!.replace(/^\/\/(?=\.)/, '')));
        continue;
      }
      const member = WORKSPACE_SPEC.exec(spec);
      if (!member) continue;
      // workspace:*, workspace:^1.0.0, workspace:other@* (an alias), or yarn's workspace:path/to/member.
      const target = member[1]!;
      const alias = /^(@?[^@]+)@/.exec(target)?.[1];
      const byPath = target.includes('/') && !alias ? path.resolve(folder, target) : undefined;
      const dir = byPath && existsSync(path.join(byPath, 'package.json')) ? byPath : membersOf(root).get(alias ?? name);
      found.push(dir ?? root);
    }
  }
  return found;
}

/**
 * The root of the workspace `packageDir` installs in: the nearest folder, from it up to the workspace, holding a
 * lockfile, a pnpm-workspace.yaml or a package.json with `workspaces`; else `packageDir`.
 */
function workspaceRoot(packageDir: string, workspace: string): string {
  for (let folder = packageDir, level = 0; isInside(workspace, folder) && level < 64; folder = path.dirname(folder), level++) {
    if (lockfileIn(folder) || existsSync(path.join(folder, 'pnpm-workspace.yaml')) || readManifest(folder)?.['workspaces'] !== undefined) return folder;
    if (folder === workspace) break;
  }
  return packageDir;
}

/** The packages under a workspace root, by name (outside node_modules): where a `workspace:` spec points. */
function workspaceMembers(root: string, workspace: string): Map<string, string> {
  const members = new Map<string, string>();
  const pending = [root];
  for (let visited = 0; pending.length > 0 && visited < MAX_MEMBER_FOLDERS; visited++) {
    const folder = pending.pop()!;
    const name = folder === root ? undefined : readManifest(folder)?.['name'];
    if (typeof name === 'string' && !members.has(name)) members.set(name, folder);
    for (const entry of listFolders(folder)) {
      const child = path.join(folder, entry);
      if (!entry.startsWith('.') && entry !== 'node_modules' && relative(workspace, child).split('/').length <= MAX_MEMBER_DEPTH) pending.push(child);
    }
  }
  return members;
}

function listFolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function readManifest(folder: string): Record<string, unknown> | undefined {
  try {
    const text = readFileSync(path.join(folder, 'package.json'), 'utf8');
    if (text.length > MAX_MANIFEST) return undefined;
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function relative(workspace: string, file: string): string {
  return relativePosix(workspace, file) || '.';
}
