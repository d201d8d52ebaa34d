import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_MANAGERS } from '../package-managers/index.js';
import { packageFolderOf } from '../program-files/program-folder.js';
import { workspaceRoots, type WorkspaceRoot } from '../program-files/workspace-root.js';
import { ActionError } from '../util/errors.js';
import { relativePosix } from '../util/text.js';
import { runGit, type GitError } from './git.js';
import { isInside } from './patterns.js';

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
/**
 * The files of a package folder or workspace root that an install reads: present or not (a lockfile added or removed
 * changes what is installed, and which manager installs it).
 */
const INSTALL_FILES = ['package.json', 'pnpm-workspace.yaml', ...PACKAGE_MANAGERS.flatMap((manager) => manager.lockfiles)];

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
 * Answers, for a program's package folder, whether a change since `commit` touches the program: its folder, the
 * package.json or lockfile it installs with (its package's, and its workspace root's, as the install finds the root),
 * or a local package it depends on (`file:`, `link:`, `portal:`, `workspace:`, followed through the local packages'
 * own). Asked per folder as the programs are found, so that only the programs kept are read further; each file is read
 * once however many programs ask.
 */
export interface ChangeCheck {
  commit: string;
  touches(programDir: string): Promise<boolean>;
  /** Why a program was left out (for the summary). */
  skippedReason: string;
}

/** The check of `changes` (from changesSince, awaited at the first question, so that git runs while the programs are found). */
export function changeCheck(changes: Promise<string[] | 'every'>, commit: string, workspace: string): ChangeCheck {
  let touched: Promise<TouchedAreas | 'every'> | undefined;
  const rootOf = workspaceRoots(workspace);
  const manifests = new Map<string, Record<string, unknown> | undefined>();
  const manifestOf = (folder: string) => (manifests.has(folder) ? manifests.get(folder) : manifests.set(folder, readManifest(folder)).get(folder));
  const memberNames = new Map<string, Map<string, string>>();
  const membersByName = (root: WorkspaceRoot) => {
    let names = memberNames.get(root.dir);
    if (!names) {
      names = new Map();
      for (const member of root.members) {
        const name = manifestOf(member)?.['name'];
        if (typeof name === 'string' && !names.has(name)) names.set(name, member);
      }
      memberNames.set(root.dir, names);
    }
    return names;
  };
  const answers = new Map<string, Promise<boolean>>();
  const touches = async (programDir: string): Promise<boolean> => {
    const changed = await (touched ??= changes.then(touchedAreas));
    if (changed === 'every') return true;
    const isTouched = (folder: string) => changed.areas.has(relative(workspace, folder));
    // The usual answers cost no read: no change at all, or one in the program's folder.
    if (changed.areas.size === 0) return false;
    if (isTouched(programDir)) return true;
    const packageDir = packageFolderOf(programDir, workspace) ?? programDir;
    // The workspace root is looked up (its patterns read and matched) only when an install file or a workspace: spec asks.
    let root: Promise<WorkspaceRoot> | undefined;
    const rootNow = () => (root ??= rootOf(packageDir));
    if (changed.installFiles) {
      for (const folder of new Set([packageDir, (await rootNow()).dir])) if (INSTALL_FILES.some((name) => isTouched(path.join(folder, name)))) return true;
    }
    const pending = [packageDir];
    const seen = new Set(pending);
    while (pending.length > 0 && seen.size <= MAX_LOCAL_PACKAGES) {
      for (const local of await localPackages(pending.pop()!, manifestOf, rootNow, membersByName)) {
        if (!isInside(workspace, local)) continue;
        if (isTouched(local)) return true;
        if (seen.has(local)) continue;
        seen.add(local);
        pending.push(local);
      }
    }
    return false;
  };
  return {
    commit,
    touches: (programDir) => answers.get(programDir) ?? answers.set(programDir, touches(programDir)).get(programDir)!,
    skippedReason: `no change since ${commit.slice(0, 7)} in its folder, its package.json or lockfile, or a local package it depends on`,
  };
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

/** A folder (every path inside it) or a file, relative to the workspace ("/"-separated); '.' is the whole workspace. */
type Area = string;

/** What a diff touches: every changed path and every folder above it ('.' too), and whether an install file is among them. */
interface TouchedAreas {
  areas: Set<Area>;
  installFiles: boolean;
}

function touchedAreas(changes: string[] | 'every'): TouchedAreas | 'every' {
  if (changes === 'every') return changes;
  const areas = new Set<Area>();
  for (const file of changes) {
    for (let area = file; area !== '' && !areas.has(area); area = area.includes('/') ? area.slice(0, area.lastIndexOf('/')) : '') areas.add(area);
  }
  if (areas.size > 0) areas.add('.');
  return { areas, installFiles: changes.some((file) => INSTALL_FILES.includes(file.slice(file.lastIndexOf('/') + 1))) };
}

/**
 * The folders of the local packages the package.json in `folder` depends on; for a `workspace:` spec, the member of
 * the program's workspace root of that name, else the root (whose files the program installs with).
 */
async function localPackages(
  folder: string,
  manifestOf: (folder: string) => Record<string, unknown> | undefined,
  rootOf: () => Promise<WorkspaceRoot>,
  membersByName: (root: WorkspaceRoot) => Map<string, string>,
): Promise<string[]> {
  const manifest = manifestOf(folder);
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
      if (byPath && existsSync(path.join(byPath, 'package.json'))) {
        found.push(byPath);
        continue;
      }
      const root = await rootOf();
      found.push(membersByName(root).get(alias ?? name) ?? root.dir);
    }
  }
  return found;
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
