import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import type { CacheKeyFiles } from '../cache/plan.js';
import { lockfileIn, lockfileManager } from '../package-managers/index.js';
import { ActionError } from '../util/errors.js';
import { parseManifest } from '../policy/manifest.js';
import type { LockfileResult } from '../policy/lockfile.js';
import type { InstalledTreeInput, PolicyConfig, PolicyOptions, ProgramInput, SourceFile } from '../policy/types.js';
import { readPackageManifest, readTextIfExistsSync } from '../util/files.js';
import { plural, relativePosix } from '../util/text.js';
import { projectFileIn, projectsOfPackage } from './program-folder.js';
import { listSources, type WalkOptions } from './walk.js';

const STACK_FILE = /^Pulumi(\.[^/\\]+)?\.ya?ml$/;
/** A source above this size is generated (a bundle, a client): parsing it would take ~50 times its size in memory. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Bounds of the search for npm workspaces: how deep a pattern may reach, how many members, how long. */
const WORKSPACES_DEPTH = 8;
const MAX_WORKSPACES = 500;
const WORKSPACES_TIME_MS = 10_000;

/**
 * What the cache key reads of a program (package.json and the lockfile its manager installs from, which may be a
 * workspace root's), so that the restore can start before the policy check reads the rest; undefined without a
 * package.json, which the check reports.
 */
export function readCacheKeyFiles(dir: string, lockfilePath: string | undefined): CacheKeyFiles | undefined {
  const root = resolve(dir);
  const packageJson = readOptional(join(root, 'package.json'));
  const lockfile = lockfilePath && readLockfileText(lockfilePath);
  return packageJson && { dir: root, packageJson, ...(lockfile && { lockfile }) };
}

/**
 * Reads what the static check needs from a program folder: package.json, the lockfile (read by the program's
 * manager into the policy's model), the sources, the Pulumi stack files and, for a workspace root, each workspace.
 * Throws ActionError when package.json is missing; a malformed package.json is read as text and reported by the check.
 */
export async function readProgram(dir: string, config: PolicyConfig, options: WalkOptions = {}): Promise<ProgramInput> {
  const root = resolve(dir);
  const program = await readPackage(root, config, options);
  const lockfile = await readLockfile(root, options.lockfile);
  if (lockfile !== undefined) program.lockfile = lockfile;
  const workspaces = await workspaceDeclaration(root, program.packageJson);
  if (workspaces.patterns.length > 0) {
    const members = [];
    for (const memberDir of await workspaceFolders(root, workspaces, options)) {
      if (readOptional(join(memberDir, 'package.json')) !== undefined) members.push(await readPackage(memberDir, config, options));
    }
    program.workspaces = members;
  }
  return program;
}

/**
 * The package.json files of a workspace root's members (bounded as the check's search is), for `preset: auto`,
 * which reads the members' layout too: a root often lists no @pulumi package of its own.
 */
export async function workspaceManifests(root: string): Promise<SourceFile[]> {
  const folders = (await workspaceMemberFolders(root).catch(() => undefined)) ?? [];
  return folders.flatMap((folder) => readOptional(join(folder, 'package.json')) ?? []);
}

/**
 * The member folders a workspace root lists (pnpm-workspace.yaml's `packages`, else package.json's `workspaces`),
 * absolute and sorted, each with a package.json, found as the check's search finds them (same bounds); undefined when
 * `root` is no workspace root. Throws ActionError when the search runs out of time.
 */
export async function workspaceMemberFolders(root: string): Promise<string[] | undefined> {
  const packageJson = readOptional(join(root, 'package.json'));
  if (packageJson === undefined) return undefined;
  // Most packages are members, not roots: a package.json that cannot name `workspaces` (not even \u-escaped) is not parsed.
  if (!/workspaces|\\u/.test(packageJson.text) && !existsSync(join(root, 'pnpm-workspace.yaml'))) return undefined;
  const declaration = await workspaceDeclaration(root, packageJson);
  if (declaration.patterns.length === 0) return undefined;
  const folders = await workspaceFolders(root, declaration, {});
  return folders.filter((folder) => statSync(join(folder, 'package.json'), { throwIfNoEntry: false })?.isFile());
}

/** Where a workspace root lists its members: pnpm-workspace.yaml's `packages`, else package.json's `workspaces` (npm, yarn, bun). */
interface WorkspaceDeclaration {
  file: SourceFile;
  /** The line that lists them, for notices. */
  line: number;
  patterns: string[];
  /** pnpm's `!pattern` entries: folders left out. */
  excluded: string[];
}

async function workspaceDeclaration(root: string, packageJson: SourceFile): Promise<WorkspaceDeclaration> {
  const pnpmWorkspace = readOptional(join(root, 'pnpm-workspace.yaml'));
  if (pnpmWorkspace) {
    const { parse } = await import('yaml');
    let packages: unknown;
    try {
      packages = (parse(pnpmWorkspace.text) as { packages?: unknown } | null)?.packages;
    } catch {
      packages = undefined; // pnpm itself reports a malformed file
    }
    const listed = Array.isArray(packages) ? packages.filter((entry): entry is string => typeof entry === 'string') : [];
    return {
      file: pnpmWorkspace,
      line: lineOf(pnpmWorkspace.text, 'packages'),
      patterns: listed.filter((pattern) => !pattern.startsWith('!')),
      excluded: listed.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1)),
    };
  }
  const patterns = parseManifest(packageJson).manifest?.workspaces ?? [];
  return { file: packageJson, line: lineOf(packageJson.text, '"workspaces"'), patterns, excluded: [] };
}

/**
 * The folders the workspace patterns match, kept inside the program (and so the workspace): a pattern that leaves
 * it is dropped, the search is bounded in depth, members and time, and what was cut is said in a notice on the line
 * that lists them.
 */
async function workspaceFolders(root: string, declaration: WorkspaceDeclaration, { notice = () => {} }: WalkOptions): Promise<string[]> {
  const { file, patterns, excluded } = declaration;
  const where = { file: file.path, line: declaration.line };
  const leaves = (pattern: string): boolean => isAbsolute(pattern) || /^[\\/]/.test(pattern) || pattern.split(/[\\/]/).includes('..');
  const outside = patterns.filter(leaves);
  if (outside.length) notice(`The workspaces ${outside.map((p) => `"${p}"`).join(', ')} leave the program's folder: they were not read.`, where);
  const inside = patterns.filter((pattern) => !leaves(pattern));
  if (!inside.length) return [];
  let folders: string[];
  try {
    folders = await glob(inside, {
      cwd: root,
      onlyDirectories: true,
      absolute: true,
      ignore: ['**/node_modules/**', ...excluded],
      deep: WORKSPACES_DEPTH,
      followSymbolicLinks: false,
      signal: AbortSignal.timeout(WORKSPACES_TIME_MS),
    });
  } catch (error) {
    const name = (error as Error).name;
    throw new ActionError(
      name === 'TimeoutError' || name === 'AbortError'
        ? `Finding the workspaces of ${file.path} (line ${where.line}) took longer than ${WORKSPACES_TIME_MS / 1000} s: ` +
            'use narrower patterns, such as "packages/*".'
        : `Cannot search the workspaces of ${file.path} (line ${where.line}): ${(error as Error).message}`,
    );
  }
  const realRoot = realpathSync(root);
  const members = [...new Set(folders.map((folder) => resolve(folder)))]
    .filter((folder) => folder !== root && isInside(realRoot, realpathOrSelf(folder)))
    .sort();
  if (members.length > MAX_WORKSPACES) {
    notice(`The workspaces patterns match ${members.length} folders: only the first ${MAX_WORKSPACES} were checked.`, where);
    return members.slice(0, MAX_WORKSPACES);
  }
  return members;
}

/** A folder that vanished since the search is judged by its name. */
function realpathOrSelf(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The 1-based line where `needle` first occurs in `text` (1 when it does not). */
function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

async function readPackage(dir: string, config: PolicyConfig, options: WalkOptions): Promise<ProgramInput> {
  const packageJson = readOptional(join(dir, 'package.json'));
  if (packageJson === undefined) throw noPackageJson(dir, options.workspace);
  const projects = projectsOfPackage(dir);
  // The stack files of the projects that run with this package.json: its folder's, else those of a folder below it.
  const projectFolders = projects.own.length > 0 ? projects.own.map((file) => dirname(file)) : [dir];
  const stackFiles = await Promise.all(
    projectFolders.map(async (folder) =>
      (await readdir(folder))
        .filter((name) => STACK_FILE.test(name))
        .sort()
        .map((name) => join(folder, name)),
    ),
  );
  const stackConfigs = readAll(stackFiles.flat());
  const sources = readSources(dir, listSources(dir, config.ignorePaths, options), options);
  return { dir, packageJson, sources, stackConfigs, projects };
}

/** A folder with no package.json, in it or above it: named as the workspace sees it, with what to do. */
function noPackageJson(dir: string, workspace: string | undefined): ActionError {
  const base = workspace ?? process.cwd();
  const shown = relativePosix(base, dir) || '.';
  const project = projectFileIn(dir);
  return new ActionError(
    project === undefined
      ? `No package.json in "${shown}" (relative to ${workspace === undefined ? 'the current folder' : 'the workspace'}): ` +
          "set working-directory to the folder that holds the Pulumi program's package.json (or its Pulumi.yaml)."
      : `"${shown}" holds ${relativePosix(dir, project)} but no package.json, in it or in a folder above it up to the workspace: ` +
          "add the program's package.json (npm init), or set working-directory to the folder that holds it.",
  );
}

/** Reads the policy file (the `policy-file` input); undefined when there is none, which means the default preset. */
export async function readPolicyFile(path: string): Promise<SourceFile | undefined> {
  return readOptional(resolve(path));
}

/** Reads, after install and link, the version of each scope package in node_modules, and the lockfile. */
export async function readInstalledTree(dir: string, options: PolicyOptions): Promise<InstalledTreeInput> {
  const root = resolve(dir);
  const scopeDir = join(root, 'node_modules', options.scope);
  const names = await readdir(scopeDir).catch(() => [] as string[]);
  const scopePackages = await Promise.all(
    names
      .filter((name) => !name.startsWith('.'))
      .map(async (name) => {
        const pkg: InstalledTreeInput['scopePackages'][number] = { name: `${options.scope}/${name}` };
        const version = (await readPackageManifest(join(scopeDir, name)))?.version;
        if (version !== undefined) pkg.version = version;
        return pkg;
      }),
  );
  const input: InstalledTreeInput = { scopePackages };
  const lockfile = await readLockfile(root);
  if (lockfile !== undefined) input.lockfile = lockfile;
  return input;
}

/** The program's lockfile, read by its manager (the policy engine reads no manager's format). */
async function readLockfile(dir: string, chosen?: string): Promise<LockfileResult | undefined> {
  // The manager's own, where the folder holds another's too (bun's yarn.lock copy beside bun.lock, say), or the one of
  // a folder above that installs this one (a workspace root's).
  const own = chosen !== undefined ? lockfileManager(chosen) : undefined;
  const found = own ? { manager: own, file: chosen! } : lockfileIn(dir);
  const file = found && readLockfileText(found.file);
  return file && (await found.manager.readLockfile(file));
}

/**
 * A lockfile's text. A binary one (bun.lockb) is read a character per byte, so that its text (which the cache key
 * hashes) tells every two files apart: as UTF-8, each invalid byte would be U+FFFD.
 */
function readLockfileText(path: string): SourceFile | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw cannotRead(path, error);
  }
  return { path, text: bytes.toString(isUtf8(bytes) ? 'utf8' : 'latin1') };
}

/** The sources to scan: those above MAX_SOURCE_BYTES are left out, and named in one notice. */
function readSources(dir: string, paths: string[], { notice = () => {} }: WalkOptions): SourceFile[] {
  const large = new Set(paths.filter((path) => (statSync(path, { throwIfNoEntry: false })?.size ?? 0) > MAX_SOURCE_BYTES));
  if (large.size) {
    const names = [...large].map((path) => relativePosix(dir, path)).join(', ');
    const [them, they] = large.size === 1 ? ['it', 'it loads'] : ['them', 'they load'];
    notice(
      `Left out of the source scan ${plural(large.size, 'file')} larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB (generated code, most likely), ` +
        `so what ${they} is not checked: ${names}. Add ${them} to "ignore.paths" in the policy file to silence this.`,
      { file: join(dir, 'package.json') },
    );
  }
  return readAll(paths.filter((path) => !large.has(path))).filter((file) => !isMarkup(file.text));
}

/**
 * An XML document under a script extension is no source: Tiled keeps its tilesets in .tsx files, say. TypeScript's
 * JSX cannot start with an XML declaration or a doctype.
 */
function isMarkup(text: string): boolean {
  return /^\uFEFF?\s*<[?!]/.test(text);
}

/** Reads source files one after another: for thousands of small files a synchronous read is several times faster than the promise API. */
function readAll(paths: string[]): SourceFile[] {
  return paths.map((path) => {
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      throw cannotRead(path, error);
    }
  });
}

function readOptional(path: string): SourceFile | undefined {
  try {
    const text = readTextIfExistsSync(path);
    return text === undefined ? undefined : { path, text };
  } catch (error) {
    throw cannotRead(path, error);
  }
}

function cannotRead(path: string, error: unknown): ActionError {
  return new ActionError(`Cannot read ${path}: ${(error as Error).message}`);
}
