import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readPackageManifest } from '../../util/files.js';
import type { ManagerContext } from '../types.js';
import { globalPackagesFolder } from '../npm/link.js';

/**
 * Links the packages into a program the way `npm link <name>` does: node_modules/<name> → the global link in npm's
 * global folder, and the package's executables in node_modules/.bin. npm's global folder, not bun's: it is where the
 * documented workflow (`npm link` in the package's folder) and "link-path" put them, while `bun link <name>` would
 * look in bun's own and write a `link:` dependency into package.json and the lockfile. bun leaves a link it did not
 * make in place, but an install may replace it: this runs after every install and restore.
 */
export async function linkIntoProgram(bun: ManagerContext, programDir: string, links: string[], globalFolder?: string): Promise<void> {
  if (!links.length) return;
  const folder = globalFolder ?? (await globalPackagesFolder(bun, programDir));
  for (const name of links) {
    const target = path.join(folder, name);
    const entry = path.join(programDir, 'node_modules', name);
    await replaceWithLink(entry, target);
    for (const [command, file] of executables(name, (await readPackageManifest(target))?.bin)) {
      await replaceWithLink(path.join(programDir, 'node_modules', '.bin', command), path.join(entry, file));
    }
  }
}

async function replaceWithLink(entry: string, target: string): Promise<void> {
  await fs.mkdir(path.dirname(entry), { recursive: true });
  await fs.rm(entry, { recursive: true, force: true });
  // Relative, as npm makes it; Windows junctions take absolute targets only.
  if (process.platform === 'win32') await fs.symlink(target, entry, 'junction');
  else await fs.symlink(path.relative(path.dirname(entry), target), entry);
}

/** A package.json `bin`: a path (the command is the package's name without its scope), or commands to paths. */
function executables(name: string, bin: unknown): Array<[string, string]> {
  if (typeof bin === 'string') return [[name.split('/').pop()!, bin]];
  if (!bin || typeof bin !== 'object') return [];
  return Object.entries(bin).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !/[\\/]/.test(entry[0]));
}
