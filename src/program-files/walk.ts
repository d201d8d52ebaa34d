import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { parse as parseJsonc } from 'jsonc-parser';
import { ActionError } from '../errors.js';
import { SOURCE_EXTENSIONS } from '../policy/scan/scan.js';
import { readTextIfExistsSync } from '../util/files.js';
import { relativePosix, toPosix } from '../util/text.js';

/** Ignore rules and the folder their paths are relative to (always a parent of the paths tested). */
interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

const MAX_DEPTH = 64;
const MAX_FILES = 500_000;
const MAX_PARENTS = 64;
const SKIPPED_FOLDERS = new Set(['node_modules', 'bower_components', 'jspm_packages']);

/**
 * The source files of the program in `dir`: the script extensions, leaving out node_modules, hidden folders, the
 * TypeScript build output (tsconfig's outDir), what .gitignore files ignore (the repository's, from its root
 * down), the policy's ignored paths, and nested packages (folders with their own package.json). Symbolic links
 * are not followed.
 */
export function listSources(dir: string, ignoredPaths: string[]): string[] {
  const outDir = buildOutput(dir);
  const own = ignore()
    .add(ignoredPaths)
    .add(outDir === undefined ? [] : [`/${outDir}/`]);
  const layers = [...repositoryIgnores(dir), { base: dir, rules: own }].filter((layer): layer is IgnoreLayer => layer !== undefined);
  const files: string[] = [];
  const pending: { path: string; depth: number; layers: IgnoreLayer[] }[] = [{ path: dir, depth: 0, layers }];
  while (pending.length > 0) {
    const { path, depth, layers: inherited } = pending.pop()!;
    const entries = readdirSync(path, { withFileTypes: true });
    const names = new Set(entries.map((entry) => entry.name));
    if (depth > 0 && names.has('package.json')) continue;
    const nested = names.has('.gitignore') && depth > 0 ? ignoreLayer(path) : undefined;
    const here = nested === undefined ? inherited : [...inherited, nested];
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (depth >= MAX_DEPTH || entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) || isIgnored(here, child, true)) continue;
        pending.push({ path: child, depth: depth + 1, layers: here });
      } else if (entry.isFile() && SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension)) && !isIgnored(here, child, false)) {
        files.push(child);
        if (files.length > MAX_FILES)
          throw new ActionError(`More than ${MAX_FILES} source files under ${dir}; add folders to "ignore.paths" in the policy file.`);
      }
    }
  }
  return files.sort();
}

function isIgnored(layers: IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  for (const { base, rules } of layers) {
    // The layers' folders are parents of `path`: slicing is exact, and far cheaper than path.relative.
    const posix = toPosix(path.slice(base.length + 1));
    if (rules.ignores(isDirectory ? `${posix}/` : posix)) return true;
  }
  return false;
}

/** The rules of the .gitignore in `folder`; undefined when it has none (nothing to test). */
function ignoreLayer(folder: string): IgnoreLayer | undefined {
  const text = readOptional(join(folder, '.gitignore'));
  return text === undefined || text.trim() === '' ? undefined : { base: folder, rules: ignore().add(text) };
}

/** A file that only refines the walk (.gitignore, tsconfig.json): one that cannot be read (a folder, say) counts as absent. */
function readOptional(path: string): string | undefined {
  try {
    return readTextIfExistsSync(path);
  } catch {
    return undefined;
  }
}

/** The .gitignore files from the repository root (the nearest folder with .git) down to `dir`, inclusive. */
function repositoryIgnores(dir: string): (IgnoreLayer | undefined)[] {
  const chain: string[] = [];
  let folder = dir;
  for (let i = 0; i < MAX_PARENTS; i++) {
    chain.unshift(folder);
    if (existsSync(join(folder, '.git'))) break;
    const parent = dirname(folder);
    if (parent === folder) return [ignoreLayer(dir)]; // not in a repository: only the program's own
    folder = parent;
  }
  return chain.map(ignoreLayer);
}

/** tsconfig.json's compilerOptions.outDir, relative to `dir`, when it lies inside it. */
function buildOutput(dir: string): string | undefined {
  const text = readOptional(join(dir, 'tsconfig.json'));
  if (text === undefined) return undefined;
  const outDir: unknown = parseJsonc(text)?.compilerOptions?.outDir;
  if (typeof outDir !== 'string') return undefined;
  const rel = relativePosix(dir, join(dir, outDir));
  return rel === '' || rel.startsWith('..') ? undefined : rel;
}
