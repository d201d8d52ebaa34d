import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ManagerContext } from '../types.js';
import { globalPackagesFolder } from '../npm/link.js';
import { readPackageManifest } from '../../util/files.js';

/**
 * Links the packages of `links` into a program's node_modules, as symlinks to their global links in npm's global
 * folder (where "link-path" registers them, or an earlier `npm link` put them). Yarn's own link would not do: yarn 2+
 * writes a `portal:`/`link:` resolution into package.json, and yarn 1 keeps its links in a folder of its own that
 * `npm link` (the documented 0.10 workflow) never fills. Yarn's install removes what it did not put in node_modules,
 * so this runs after every install, and on a restored tree.
 */
export async function linkIntoProgram(context: ManagerContext, programDir: string, links: string[], globalFolder?: string): Promise<void> {
  if (!links.length) return;
  const folder = globalFolder ?? (await globalPackagesFolder(context, programDir));
  for (const name of links) {
    const target = path.join(folder, name);
    const entry = path.join(programDir, 'node_modules', name);
    await replaceWithLink(entry, target);
    await linkExecutables(programDir, name, entry);
  }
}

async function replaceWithLink(entry: string, target: string): Promise<void> {
  await fs.mkdir(path.dirname(entry), { recursive: true });
  await fs.rm(entry, { recursive: true, force: true });
  // Relative, as npm makes it; Windows junctions take absolute targets only.
  if (process.platform === 'win32') await fs.symlink(target, entry, 'junction');
  else await fs.symlink(path.relative(path.dirname(entry), target), entry);
}

/** node_modules/.bin/<command> for each executable the linked package declares, as yarn makes them (not on Windows, where they are shims). */
async function linkExecutables(programDir: string, name: string, entry: string): Promise<void> {
  if (process.platform === 'win32') return;
  const bin = (await readPackageManifest(entry))?.bin;
  const commands: Record<string, unknown> = typeof bin === 'string' ? { [name.split('/').pop()!]: bin } : typeof bin === 'object' && bin ? { ...bin } : {};
  for (const [command, file] of Object.entries(commands)) {
    if (typeof file !== 'string' || command.includes('/') || command.includes('\\') || command.startsWith('.')) continue;
    const link = path.join(programDir, 'node_modules', '.bin', command);
    const target = path.join(entry, file);
    if (!path.resolve(target).startsWith(path.resolve(entry) + path.sep)) continue;
    await fs.mkdir(path.dirname(link), { recursive: true });
    await fs.rm(link, { force: true });
    await fs.symlink(path.relative(path.dirname(link), target), link);
    await fs.chmod(target, 0o755).catch(() => {});
  }
}
