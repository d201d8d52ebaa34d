import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPulumiProject } from '../policy/pulumi-project.js';
import { packageFolderOf, projectFileIn, PROJECT_FILE_NAMES } from '../program-files/program-folder.js';
import { ignoreLayer, isIgnored, repositoryIgnores, SKIPPED_FOLDERS, trackedPathsWhenAsked, type IgnoreLayer } from '../program-files/walk.js';
import type { Notice } from '../program-files/notice.js';
import { ActionError } from '../util/errors.js';
import { readTextIfExistsSync } from '../util/files.js';
import { relativePosix, toPosix } from '../util/text.js';

/** More programs than any repository holds (pulumi/examples has 152): past it, the run stops rather than fan out without end. */
export const MAX_PROGRAMS = 1000;
/** Folders below the workspace, at most: deeper than any repository's layout, short of a link loop's. */
export const MAX_DEPTH = 32;
/** Folders looked at, at most, so that a workspace full of generated folders ends the search with a message, not a hang. */
export const MAX_FOLDERS = 200_000;
/** A Pulumi.yaml is a few lines; a larger one is not read. */
const MAX_PROJECT_FILE = 1024 * 1024;
const RUNTIMES = new Set(['nodejs', 'bun']);

/** A folder with a Pulumi.yaml that is not a program the run installs, and why (for the summary). */
export interface PassedOver {
  dir: string;
  reason: string;
}

export interface Found {
  /** The program folders (each holds the Pulumi.yaml), absolute, sorted. */
  programs: string[];
  passedOver: PassedOver[];
  /** The project folders `wanted` turned down, unread (absolute, sorted). */
  unwanted: string[];
}

export interface FindLimits {
  programs: number;
  depth: number;
  folders: number;
}

export interface FindOptions {
  notice?: Notice;
  limits?: FindLimits;
  /**
   * Asked, for each project folder with a package.json, before its project file is read, with its package folder:
   * false leaves it out unread (changed-since: only the programs kept are read).
   */
  wanted?: (packageDir: string) => Promise<boolean>;
}

/**
 * The Pulumi programs of Node.js in `under` (the workspace or a folder of it): each folder holding a Pulumi.yaml (else
 * Pulumi.yml) whose runtime is nodejs or bun, with a package.json of its own or an ancestor's up to the workspace.
 * Leaves out node_modules (and the other package folders), hidden folders, and what the repository's .gitignore
 * files ignore unless git tracks it, as the source walk does. Symbolic links are not followed.
 */
export async function findPrograms(under: string, workspace: string, { notice = () => {}, limits = DEFAULT_LIMITS, wanted }: FindOptions = {}): Promise<Found> {
  const readLayer = (folder: string): IgnoreLayer | undefined => ignoreLayer(folder, notice);
  const repository = repositoryIgnores(under, workspace, readLayer);
  const tracked = trackedPathsWhenAsked(under, repository.root, notice);
  // git never ignores what it tracks: a tracked path answers to no .gitignore.
  const ignored = (layers: IgnoreLayer[], path: string, isDirectory: boolean): boolean =>
    isIgnored(layers, path, isDirectory) && !tracked()?.has(toPosix(path.slice(under.length + 1)));
  const projectFolders: string[] = [];
  const pending: { path: string; depth: number; layers: IgnoreLayer[] }[] = [
    { path: under, depth: 0, layers: repository.layers.filter((layer): layer is IgnoreLayer => layer !== undefined) },
  ];
  let folders = 0;
  while (pending.length > 0) {
    const { path, depth, layers: inherited } = pending.pop()!;
    if (++folders > limits.folders) throw tooMany(`${limits.folders} folders`, under, workspace);
    const entries = readFolder(path);
    const nested = depth > 0 && entries.some((entry) => entry.name === '.gitignore') ? readLayer(path) : undefined;
    const here = nested === undefined ? inherited : [...inherited, nested];
    const hasProjectFile = entries.some((entry) => entry.isFile() && (PROJECT_FILE_NAMES as readonly string[]).includes(entry.name));
    const projectFile = hasProjectFile ? projectFileIn(path) : undefined;
    if (projectFile !== undefined && !ignored(here, projectFile, false)) {
      projectFolders.push(path);
      if (projectFolders.length > limits.programs) throw tooMany(`${limits.programs} Pulumi projects`, under, workspace);
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
      const child = join(path, entry.name);
      if (ignored(here, child, true)) continue;
      if (depth + 1 > limits.depth) {
        throw new ActionError(
          `"${relativePosix(workspace, child)}" is more than ${limits.depth} folders below the workspace: finding programs stops there. ` +
            'Name the programs\' folders in "working-directory" (or a glob of them), or add the deep folder to .gitignore.',
        );
      }
      pending.push({ path: child, depth: depth + 1, layers: here });
    }
  }
  const programs: string[] = [];
  const passedOver: PassedOver[] = [];
  const unwanted: string[] = [];
  for (const dir of projectFolders) {
    // Without a package.json, it is no program, and is said to be passed over as on every run.
    const packageDir = wanted && packageFolderOf(dir, workspace);
    if (packageDir && !(await wanted!(packageDir))) {
      unwanted.push(dir);
      continue;
    }
    const reason = await notAProgram(dir, workspace);
    if (reason === undefined) programs.push(dir);
    else passedOver.push({ dir, reason });
  }
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { programs: programs.sort(byPath), passedOver: passedOver.sort((a, b) => byPath(a.dir, b.dir)), unwanted: unwanted.sort(byPath) };
}

const DEFAULT_LIMITS: FindLimits = { programs: MAX_PROGRAMS, depth: MAX_DEPTH, folders: MAX_FOLDERS };

/** Why the project in `dir` is not a Node.js program the action installs; undefined when it is one. */
async function notAProgram(dir: string, workspace: string): Promise<string | undefined> {
  const file = projectFileIn(dir)!;
  let text: string | undefined;
  try {
    text = readTextIfExistsSync(file);
  } catch (error) {
    return `its ${file.slice(dir.length + 1)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (text === undefined) return 'its project file is gone';
  if (text.length > MAX_PROJECT_FILE) return `its ${file.slice(dir.length + 1)} is larger than ${MAX_PROJECT_FILE / 1024} KiB`;
  const runtime = (await readPulumiProject([{ path: file, text }]))?.runtime;
  if (runtime === undefined) return `its ${file.slice(dir.length + 1)} names no runtime`;
  if (!RUNTIMES.has(runtime)) return `runtime ${runtime}`;
  if (packageFolderOf(dir, workspace) === undefined) return 'no package.json in it or above it';
  return undefined;
}

function readFolder(path: string) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    // A folder that cannot be listed (permissions) holds nothing the run could install.
    return [];
  }
}

function tooMany(what: string, under: string, workspace: string): ActionError {
  const where = relativePosix(workspace, under) || 'the workspace';
  return new ActionError(
    `More than ${what} under ${where}: finding programs stops there. ` +
      'Name the programs\' folders in "working-directory", or narrow it with a glob (e.g. "infra/*").',
  );
}
