import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { PulumiProjects } from '../policy/types.js';

/** The names Pulumi reads a project file under, in its order. */
export const PROJECT_FILE_NAMES = ['Pulumi.yaml', 'Pulumi.yml'] as const;

/** Bounds the walk up from a project folder (a path has far fewer levels). */
const MAX_LEVELS_UP = 64;

/** The project file (Pulumi.yaml, else Pulumi.yml) in `dir`; undefined when it holds neither. */
export function projectFileIn(dir: string): string | undefined {
  return PROJECT_FILE_NAMES.map((name) => join(dir, name)).find((file) => existsSync(file));
}

/**
 * The folder whose package.json a Pulumi project in `projectDir` runs with: `projectDir` itself, else the nearest
 * ancestor holding one, up to the workspace (Pulumi's Node.js host looks for package.json and node_modules up the
 * tree, so `infra/pulumi/Pulumi.yaml` is a program of `infra/package.json`). Undefined when none has one, or
 * `projectDir` is outside the workspace.
 */
export function packageFolderOf(projectDir: string, workspace: string): string | undefined {
  const top = resolve(workspace);
  let folder = resolve(projectDir);
  if (!isWithin(top, folder)) return undefined;
  for (let level = 0; level < MAX_LEVELS_UP; level++) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (folder === top) return undefined;
    folder = dirname(folder);
  }
  return undefined;
}

/** True when `child` is `parent` or inside it. */
function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Bounds the search below a package folder for the Pulumi projects that run with it. */
const MAX_LEVELS_DOWN = 4;
const MAX_FOLDERS_DOWN = 2000;
const SKIPPED_BELOW = new Set(['node_modules', 'bower_components', 'jspm_packages']);

/**
 * The Pulumi projects of the package in `packageDir`: its own project file, else those below it that no nested
 * package.json claims (`infra/pulumi/Pulumi.yaml` runs with `infra/package.json`), and those of nested packages.
 * The search skips node_modules and hidden folders and is bounded in depth and folders; symbolic links are not followed.
 */
export function projectsOfPackage(packageDir: string): PulumiProjects {
  const own = projectFileIn(packageDir);
  const result: PulumiProjects = { own: own === undefined ? [] : [own], nested: [] };
  const pending: { folder: string; depth: number; claimed: boolean }[] = [{ folder: packageDir, depth: 0, claimed: false }];
  for (let visited = 0; pending.length > 0 && visited < MAX_FOLDERS_DOWN; visited++) {
    const { folder, depth, claimed } = pending.shift()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue; // unreadable: nothing to say about it
    }
    const names = new Set(entries.map((entry) => entry.name));
    const nested = claimed || (depth > 0 && names.has('package.json') && installsDependencies(folder));
    const project = depth > 0 ? PROJECT_FILE_NAMES.find((name) => names.has(name)) : undefined;
    if (project !== undefined) (nested ? result.nested : own === undefined ? result.own : []).push(join(folder, project));
    if (depth >= MAX_LEVELS_DOWN) continue;
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_BELOW.has(entry.name))
        pending.push({ folder: join(folder, entry.name), depth: depth + 1, claimed: nested });
    }
  }
  result.own.sort();
  result.nested.sort();
  return result;
}

/**
 * The folder whose package.json a working directory installs and is checked with: `dir` itself when it holds
 * package.json or no Pulumi project, else (a Pulumi project below its package.json) the package folder above it.
 */
export function packageFolderFor(dir: string, workspace: string): string {
  if (existsSync(join(dir, 'package.json')) || projectFileIn(dir) === undefined) return dir;
  return packageFolderOf(dir, workspace) ?? dir;
}

/** A package.json larger than this is not read to tell (no real one is). */
const MAX_MANIFEST_BYTES = 1024 * 1024;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'workspaces'];

/**
 * Whether the package.json in `folder` installs anything of its own: a package.json that lists no dependency (only
 * a `main` for Pulumi, say) installs nothing, and its files load what the package above it installs, as Node
 * resolves up the tree. One that cannot be read or parsed counts as a package.
 */
export function installsDependencies(folder: string): boolean {
  try {
    const file = join(folder, 'package.json');
    if (statSync(file).size > MAX_MANIFEST_BYTES) return true;
    const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof manifest !== 'object' || manifest === null || DEPENDENCY_FIELDS.some((field) => field in manifest);
  } catch {
    return true;
  }
}
