import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readPackageManifest } from '../util/files.js';
import { globalPackagesFolder, symlinkPackage } from './npm/link.js';
import type { ManagerContext } from './types.js';

/**
 * Links each package into a program as `npm link <name>` does: node_modules/<name> → its global link in npm's global
 * folder, and its executables in node_modules/.bin. pnpm, yarn and bun link this way, not with their own `link`: each
 * of those writes into the user's files (a `link:`/`portal:` dependency in package.json, `overrides` in
 * pnpm-workspace.yaml) or looks in a folder of its own that the documented `npm link` never fills. An install may
 * remove a link it did not make, so this runs after every install and on a restored tree.
 */
export async function linkFromGlobalFolder(context: ManagerContext, programDir: string, links: string[], globalFolder?: string): Promise<void> {
  if (!links.length) return;
  const folder = globalFolder ?? (await globalPackagesFolder(context, programDir));
  for (const name of links) {
    const target = path.join(folder, name);
    await symlinkPackage(path.join(programDir, 'node_modules', name), target);
    // Windows runs executables through shims, which npm makes; a symbolic link to a script would not run there.
    if (process.platform === 'win32') continue;
    for (const [command, file] of executablesOf(name, (await readPackageManifest(target))?.bin)) {
      const entry = path.join(programDir, 'node_modules', '.bin', command);
      await fs.mkdir(path.dirname(entry), { recursive: true });
      await fs.rm(entry, { force: true });
      await fs.symlink(path.relative(path.dirname(entry), path.join(target, file)), entry);
    }
  }
}

/** package.json's `bin`: one file under the package's own name, or commands to files, each inside the package. */
function executablesOf(name: string, bin: unknown): [string, string][] {
  const commands = typeof bin === 'string' ? { [name.replace(/^@[^/]+\//, '')]: bin } : typeof bin === 'object' && bin !== null ? bin : {};
  // Only plain names and files inside the package: a command "../x" would write outside node_modules/.bin.
  return Object.entries(commands).filter(
    (entry): entry is [string, string] =>
      typeof entry[1] === 'string' && /^[\w-][\w.-]*$/.test(entry[0]) && !path.posix.normalize(entry[1].replace(/\\/g, '/')).startsWith('../'),
  );
}
