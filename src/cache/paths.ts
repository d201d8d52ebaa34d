import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ActionError } from '../util/errors.js';
import { isPackageName } from '../util/package-name.js';
import { toPosix } from '../util/text.js';

const CHILDREN = 'node_modules/*';

/**
 * The `@actions/cache` path patterns for the archive: each program's node_modules children, minus the linked
 * packages (symlinks into the global prefix, re-linked on every run). A plain `node_modules` path would take the
 * links along, because `!` patterns only drop what the globber itself matched. The patterns are relative to the
 * workspace and do not depend on what is on disk, so a save and a later restore on a fresh runner compute the same
 * cache version from them.
 */
export async function cachePaths(workspace: string, programDirs: string[], links: string[]): Promise<string[]> {
  for (const link of links) {
    // A link name becomes a glob pattern below: anything but a package name could match other folders.
    if (!isPackageName(link)) throw new ActionError(`"${link}" is not a package name that can be linked; use a name such as pulumi or @scope/name.`);
  }
  const realWorkspace = await realDir(workspace, `The workspace ${workspace} does not exist.`);
  const dirs = await Promise.all(
    programDirs.map(async (dir) => {
      const missing = `Working directory "${dir}" does not exist in the workspace; check the working-directory input.`;
      const inside = relative(realWorkspace, await realDir(resolve(workspace, dir), missing));
      if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
        throw new ActionError(`Working directory "${dir}" is outside the workspace ${workspace}; only node_modules inside the workspace can be cached.`);
      }
      return toPosix(inside);
    }),
  );
  const sortedLinks = [...new Set(links)].sort();
  return [...new Set(dirs)].sort().flatMap((dir) => patternsFor(dir === '' ? '' : `${escapeGlob(dir)}/`, sortedLinks));
}

/** The node_modules directories (relative to the workspace) that `cachePaths` patterns cover. */
export function nodeModulesDirs(paths: string[]): string[] {
  return paths
    .filter((path) => (path === CHILDREN || path.endsWith(`/${CHILDREN}`)) && !path.startsWith('!'))
    .map((path) => unescapeGlob(path.slice(0, -'/*'.length)));
}

/**
 * The trees `cachePaths` patterns save, as a restore checks an archive against them: each node_modules folder, minus
 * the linked packages (a split scope's folder is left out only as a whole, then its other packages are taken back).
 */
export function savedTrees(paths: string[]): { roots: string[]; excluded: string[] } {
  const taken = new Set(paths.filter((path) => !path.startsWith('!')));
  const excluded = paths.filter((path) => path.startsWith('!') && !taken.has(`${path.slice(1)}/*`)).map((path) => unescapeGlob(path.slice(1)));
  return { roots: nodeModulesDirs(paths), excluded };
}

function patternsFor(base: string, links: string[]): string[] {
  const patterns = [`${base}${CHILDREN}`];
  const splitScopes = new Set<string>();
  for (const link of links) {
    const scope = link.startsWith('@') ? link.slice(0, link.indexOf('/')) : undefined;
    if (scope && !splitScopes.has(scope)) {
      // Take the scope folder apart so that its other packages stay in the archive.
      splitScopes.add(scope);
      patterns.push(`!${base}node_modules/${scope}`, `${base}node_modules/${scope}/*`);
    }
    patterns.push(`!${base}node_modules/${link}`);
  }
  return patterns;
}

async function realDir(path: string, whenMissing: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    throw new ActionError(whenMissing);
  }
}

/** @actions/glob reads `*`, `?`, `[` and `\` as pattern syntax, and `!`, `#`, `~` at the start. */
function escapeGlob(dir: string): string {
  const escaped = dir.replace(/\\/g, '\\\\').replace(/[[?*]/g, (char) => `[${char}]`);
  return /^[!#~]/.test(escaped) ? `./${escaped}` : escaped;
}

function unescapeGlob(pattern: string): string {
  return pattern
    .replace(/^\.\//, '')
    .replace(/\[([[?*])\]/g, '$1')
    .replace(/\\\\/g, '\\');
}
