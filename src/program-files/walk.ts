import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { parse as parseJsonc } from 'jsonc-parser';
import { ActionError } from '../util/errors.js';
import { SOURCE_EXTENSIONS } from '../policy/scan/scan.js';
import { readTextIfExistsSync } from '../util/files.js';
import { folderName } from '../util/folder-name.js';
import { relativePosix, toPosix } from '../util/text.js';
import type { Notice } from './notice.js';
import { installsDependencies } from './program-folder.js';

/** Ignore rules and the folder their paths are relative to (always a parent of the paths tested). */
export interface IgnoreLayer {
  base: string;
  rules: Ignore;
  /** A .gitignore's rules, which never hide a file git tracks (the policy's own rules do). */
  gitignore: boolean;
}

const MAX_DEPTH = 64;
const MAX_FILES = 500_000;
const MAX_PARENTS = 64;
/** gitignore patterns are paths: a line longer than any path is not one, and would build a regular expression too large to run. */
const MAX_IGNORE_LINE = 4096;
/** git ls-files: as long and as much output as a repository of MAX_FILES paths may take. */
const GIT_TIME_MS = 10_000;
const MAX_GIT_OUTPUT = 64 * 1024 * 1024;
export const SKIPPED_FOLDERS = new Set(['node_modules', 'bower_components', 'jspm_packages']);

/** Where the walk may read: `workspace` bounds the .gitignore files read above the program; `notice` hears what was skipped. */
export interface WalkOptions {
  workspace?: string;
  notice?: Notice;
  /** The lockfile the program's manager installs from, when the detection found one (see package-managers/detect.ts). */
  lockfile?: string | undefined;
}

/**
 * The source files of the program in `dir`: the script extensions, leaving out node_modules, hidden folders, the
 * TypeScript build output (tsconfig's outDir), what .gitignore files ignore (the repository's, from its root or the
 * workspace down, whichever is nearer) unless git tracks it, the policy's ignored paths, and nested packages
 * (folders with their own package.json). Symbolic links are not followed.
 */
export function listSources(dir: string, ignoredPaths: string[], { workspace, notice = () => {} }: WalkOptions = {}): string[] {
  const outDir = buildOutput(dir);
  const own = ignore()
    .add(ignoredPaths)
    .add(outDir === undefined ? [] : [`/${outDir}/`]);
  const bad = ignoredPaths.find(unusable);
  if (bad !== undefined) {
    const shown = bad.length > 80 ? `${bad.slice(0, 80)}…` : bad;
    throw new ActionError(
      `"ignore.paths" in the policy file holds "${shown}" (${bad.length} characters), which is not a usable path pattern: fix or remove it.`,
    );
  }
  const readLayer = (folder: string): IgnoreLayer | undefined => ignoreLayer(folder, notice);
  const repository = repositoryIgnores(dir, workspace, readLayer);
  const tracked = trackedPathsWhenAsked(dir, repository.root, notice);
  const layers = [...repository.layers, { base: dir, rules: own, gitignore: false }].filter((layer): layer is IgnoreLayer => layer !== undefined);
  const ownRules = (here: IgnoreLayer[]) => here.filter((layer) => !layer.gitignore);
  // git never ignores what it tracks: a tracked path answers to the policy's own rules alone.
  const ignored = (here: IgnoreLayer[], path: string, isDirectory: boolean): boolean => {
    if (!isIgnored(here, path, isDirectory)) return false;
    const isTracked = here.some((layer) => layer.gitignore) && (tracked()?.has(toPosix(path.slice(dir.length + 1))) ?? false);
    return !isTracked || isIgnored(ownRules(here), path, isDirectory);
  };
  const files: string[] = [];
  const pending: { path: string; depth: number; layers: IgnoreLayer[] }[] = [{ path: dir, depth: 0, layers }];
  while (pending.length > 0) {
    const { path, depth, layers: inherited } = pending.pop()!;
    const entries = readdirSync(path, { withFileTypes: true });
    const names = new Set(entries.map((entry) => entry.name));
    // A nested package's files are its own, unless its package.json installs nothing (they load this one's packages).
    if (depth > 0 && names.has('package.json') && installsDependencies(path)) continue;
    const nested = names.has('.gitignore') && depth > 0 ? readLayer(path) : undefined;
    const here = nested === undefined ? inherited : [...inherited, nested];
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (depth >= MAX_DEPTH || entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) || ignored(here, child, true)) continue;
        pending.push({ path: child, depth: depth + 1, layers: here });
      } else if (entry.isFile() && SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension)) && !ignored(here, child, false)) {
        files.push(child);
        if (files.length > MAX_FILES)
          throw new ActionError(`More than ${MAX_FILES} source files under ${dir}; add folders to "ignore.paths" in the policy file.`);
      }
    }
  }
  return files.sort();
}

export function isIgnored(layers: IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  for (const { base, rules } of layers) {
    // The layers' folders are parents of `path`: slicing is exact, and far cheaper than path.relative.
    const posix = toPosix(path.slice(base.length + 1));
    if (rules.ignores(isDirectory ? `${posix}/` : posix)) return true;
  }
  return false;
}

/**
 * The rules of the .gitignore in `folder`; undefined when it has none (nothing to test). A line the ignore library
 * cannot turn into a pattern (an absurdly long one, say) is left out, with a notice on that line.
 */
export function ignoreLayer(folder: string, notice: Notice): IgnoreLayer | undefined {
  const file = join(folder, '.gitignore');
  const text = readIfReadable(file);
  if (text === undefined || text.trim() === '') return undefined;
  const lines = text.split(/\r?\n/);
  const kept = lines.map((line, index) => {
    if (!unusable(line)) return line;
    notice(`Line ${index + 1} of this .gitignore (${line.length} characters) is not a pattern the source scan can use: it was left out.`, {
      file,
      line: index + 1,
    });
    return '';
  });
  return { base: folder, rules: ignore().add(kept), gitignore: true };
}

/** A gitignore line the ignore library would choke on: longer than a path, or one it cannot compile. */
function unusable(line: string): boolean {
  if (line.length > MAX_IGNORE_LINE) return true;
  try {
    ignore().add(line).ignores('probe');
    return false;
  } catch {
    return true;
  }
}

/** A file that only refines the walk (.gitignore, tsconfig.json): one that cannot be read (a folder, say) counts as absent. */
function readIfReadable(path: string): string | undefined {
  try {
    return readTextIfExistsSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The .gitignore files from the repository root (the nearest folder with .git) or the workspace, whichever comes
 * first, down to `dir`, inclusive, and that root when there is one. Never above the workspace: a checkout without
 * .git may sit inside another repository, whose .gitignore is not the program's.
 */
export function repositoryIgnores(
  dir: string,
  workspace: string | undefined,
  readLayer: (folder: string) => IgnoreLayer | undefined,
): { layers: (IgnoreLayer | undefined)[]; root?: string } {
  const chain: string[] = [];
  let folder = dir;
  for (let i = 0; i < MAX_PARENTS; i++) {
    chain.unshift(folder);
    if (existsSync(join(folder, '.git'))) return { layers: chain.map(readLayer), root: folder };
    if (folder === workspace) break;
    const parent = dirname(folder);
    const leavesWorkspace = workspace !== undefined && relative(workspace, parent).startsWith('..');
    if (parent === folder || leavesWorkspace) return { layers: [readLayer(dir)] }; // not in a repository: only the program's own
    folder = parent;
  }
  return { layers: chain.map(readLayer) };
}

/** Answers whether git tracks a path (relative to the folder asked about, with forward slashes) or a file under it. */
export interface TrackedPaths {
  has(path: string): boolean;
}

/**
 * The paths under `dir` that git tracks, and their folders; undefined when git cannot say (not installed, or it
 * refuses the repository), with a notice: then .gitignore holds for every file. git lists the whole repository once
 * per state of its index (a run reads many programs of one repository: one git each cost 0.1 s a program), with a
 * bounded time and output, no shell, none of the job's environment, and fsmonitor off (a repository's config names
 * that command).
 */
function trackedPaths(dir: string, root: string, notice: Notice): TrackedPaths | undefined {
  const all = repositoryTracked(root);
  if ('reason' in all) {
    notice(
      `git could not list the files it tracks in ${folderName(root, dir)} (${all.reason}): the .gitignore patterns were applied to every file, ` +
        'tracked or not. Install git, or mark the repository safe (git config --global --add safe.directory).',
    );
    return undefined;
  }
  const prefix = relativePosix(root, dir);
  return { has: (path) => all.paths.has(prefix === '' ? path : `${prefix}/${path}`) };
}

/**
 * trackedPaths, asked for at the first path a rule ignores: git never runs for a walk that ignores nothing (a tracked
 * path only matters against an ignore rule). `root` is the repository's, undefined outside one.
 */
export function trackedPathsWhenAsked(dir: string, root: string | undefined, notice: Notice): () => TrackedPaths | undefined {
  let tracked: { paths: TrackedPaths | undefined } | undefined;
  return () => (tracked ??= { paths: root === undefined ? undefined : trackedPaths(dir, root, notice) }).paths;
}

/** The last repository listed, and the state of its index then (its .git/index's size, time and inode). */
let lastListed: { root: string; index: string; paths: Set<string> } | undefined;

function repositoryTracked(root: string): { paths: Set<string> } | { reason: string } {
  const index = indexState(root);
  if (index !== undefined && lastListed?.root === root && lastListed.index === index) return lastListed;
  let output: string;
  try {
    output = execFileSync('git', ['-c', 'core.fsmonitor=false', 'ls-files', '-z', '--cached', '--', '.'], {
      cwd: root,
      encoding: 'utf8',
      // GIT_CEILING_DIRECTORIES: the repository found, never one above it.
      env: { PATH: process.env['PATH'] ?? '', GIT_CEILING_DIRECTORIES: dirname(root), GIT_CONFIG_NOSYSTEM: '1', GIT_OPTIONAL_LOCKS: '0' },
      maxBuffer: MAX_GIT_OUTPUT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: GIT_TIME_MS,
    });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    return { reason: code ?? (stderr?.trim().split(/\r?\n/)[0] || String(error)) };
  }
  const paths = new Set<string>();
  for (const file of output.split('\0')) {
    // A file and each folder above it, up to the root.
    for (let path = file; path !== '' && !paths.has(path); path = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '') paths.add(path);
  }
  lastListed = index === undefined ? undefined : { root, index, paths };
  return { paths };
}

/** The state of the repository's index, which git rewrites on every change to what it tracks; undefined when .git is not a folder. */
function indexState(root: string): string | undefined {
  try {
    const stat = statSync(join(root, '.git', 'index'), { bigint: true });
    return `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/** tsconfig.json's compilerOptions.outDir, relative to `dir`, when it lies inside it. */
function buildOutput(dir: string): string | undefined {
  const text = readIfReadable(join(dir, 'tsconfig.json'));
  if (text === undefined) return undefined;
  const outDir: unknown = parseJsonc(text)?.compilerOptions?.outDir;
  if (typeof outDir !== 'string') return undefined;
  const rel = relativePosix(dir, join(dir, outDir));
  return rel === '' || rel.startsWith('..') ? undefined : rel;
}
