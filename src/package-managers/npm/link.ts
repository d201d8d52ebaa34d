import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ActionError } from '../../util/errors.js';
import type { ManagerContext, VerifiedLink } from '../types.js';
import { explainNpmFailure, withoutPeerInstall } from './npm.js';
import { readPackageManifest } from '../../util/files.js';

/** npm's global prefix (NPM_CONFIG_PREFIX or npm's default), where `npm link` keeps its global links. */
export async function globalPackagesFolder(npm: ManagerContext, cwd: string): Promise<string> {
  const result = await npm.run('npm', ['prefix', '--global'], { cwd, env: npm.env, quiet: true });
  const prefix = result.stdout.trim();
  if (result.exitCode !== 0 || !prefix) throw explainNpmFailure('npm prefix --global', cwd, result, npm.registryUrl);
  return process.platform === 'win32' ? path.join(prefix, 'node_modules') : path.join(prefix, 'lib', 'node_modules');
}

/**
 * Registers `link-path` as the global link of the package it holds: the symlink `npm link` would make in the
 * global folder, made directly, because `npm link` in the folder would also install there and write a lockfile
 * into the user's checkout.
 */
export async function registerLinkPath(linkPath: string, links: string[], globalFolder: string): Promise<string> {
  const name = await packageNameIn(linkPath, `Input "link-path" is "${linkPath}"`);
  if (!links.includes(name)) {
    throw new ActionError(
      `Input "link-path" holds the package "${name}", which input "link" does not list ` +
        `(${links.join(' ') || 'empty'}): add it to "link", or point "link-path" at the right folder.`,
    );
  }
  const entry = path.join(globalFolder, name);
  try {
    // npm does not create a fresh prefix's lib/node_modules itself.
    await fs.mkdir(path.dirname(entry), { recursive: true });
    const existing = await fs.lstat(entry).catch(() => undefined);
    if (existing && !existing.isSymbolicLink()) {
      throw new ActionError(
        `npm's global folder already holds an installed "${name}" at ${entry}, not a link: ` +
          `uninstall it (npm uninstall --global ${name}) or use another NPM_CONFIG_PREFIX.`,
      );
    }
    if (existing) await fs.unlink(entry);
    await fs.symlink(linkPath, entry, process.platform === 'win32' ? 'junction' : 'dir');
  } catch (error) {
    if (error instanceof ActionError) throw error;
    throw new ActionError(
      `Cannot register "${name}" in npm's global folder ${globalFolder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
        `Make the npm prefix writable, or set NPM_CONFIG_PREFIX to a folder the job can write.`,
    );
  }
  return name;
}

/** Fails before any `npm link <name>` could fetch an unrelated package of that name from the public registry. */
export async function requireGlobalLinks(links: string[], globalFolder: string): Promise<void> {
  for (const name of links) {
    const found = (await readPackageManifest(path.join(globalFolder, name)))?.name;
    if (found !== name) {
      throw new ActionError(
        `Input "link" lists "${name}", but no package "${name}" is linked in npm's global folder ${globalFolder}. Set "link-path" to the ` +
          `folder that holds the ${name} package (the action registers it with npm link), or run "npm link" in that folder in an earlier step.`,
      );
    }
  }
}

/**
 * `npm link <names>` in a program: needed after every install, because npm install removes links. npm link may
 * run the linked packages' scripts; like every npm process, it never holds the token. In a workspaces
 * root npm link would also install the peers the workspaces declare (fetching `pulumi` from a registry), so it runs
 * without peer installs there; not elsewhere, where npm would then skip the link of a package the root only lists
 * as a peer ("up to date").
 */
export async function linkIntoProgram(npm: ManagerContext, programDir: string, where: string, links: string[]): Promise<void> {
  if (!links.length) return;
  const isWorkspacesRoot = (await readPackageManifest(programDir))?.['workspaces'] !== undefined;
  const env = isWorkspacesRoot ? withoutPeerInstall(npm.env) : npm.env;
  const result = await npm.run('npm', ['link', ...links], { cwd: programDir, env });
  if (result.exitCode !== 0) throw explainNpmFailure(`npm link ${links.join(' ')}`, where, result, npm.registryUrl);
}

/**
 * Links a restored tree the way `npm link <name>` does (node_modules/<name> → the global link), without npm reading
 * the whole tree again. A package with executables goes through npm, which also links them into node_modules/.bin.
 */
export async function linkRestoredTree(npm: ManagerContext, programDir: string, where: string, links: string[], globalFolder: string): Promise<void> {
  const withExecutables: string[] = [];
  for (const name of links) {
    const target = path.join(globalFolder, name);
    if ((await readPackageManifest(target))?.bin !== undefined) {
      withExecutables.push(name);
      continue;
    }
    await symlinkPackage(path.join(programDir, 'node_modules', name), target);
  }
  await linkIntoProgram(npm, programDir, where, withExecutables);
}

/** Makes `entry` (a folder in node_modules) a link to `target`, replacing whatever was there. */
export async function symlinkPackage(entry: string, target: string): Promise<void> {
  await fs.mkdir(path.dirname(entry), { recursive: true });
  await fs.rm(entry, { recursive: true, force: true });
  // Relative, as npm makes it; Windows junctions take absolute targets only.
  if (process.platform === 'win32') await fs.symlink(target, entry, 'junction');
  else await fs.symlink(path.relative(path.dirname(entry), target), entry);
}

/** Each linked package must be a symlink whose target is that package, not a copy fetched from a registry. */
export async function verifyLinks(programDir: string, where: string, links: string[], linkedBy = 'npm link'): Promise<VerifiedLink[]> {
  const verified: VerifiedLink[] = [];
  for (const name of links) {
    const entry = path.join(programDir, 'node_modules', name);
    const stat = await fs.lstat(entry).catch(() => undefined);
    if (!stat?.isSymbolicLink()) {
      const what = stat ? 'a folder installed from a registry, not a link' : 'missing';
      throw new ActionError(
        `After ${linkedBy}, node_modules/${name} in ${where} is ${what}. Remove "${name}" ` +
          `from dependencies/devDependencies (it belongs in peerDependencies) and run again.`,
      );
    }
    const target = await fs.realpath(entry);
    const manifest = await readPackageManifest(target);
    if (manifest?.name !== name) {
      throw new ActionError(
        `node_modules/${name} in ${where} links to ${target}, which holds ` +
          `"${manifest?.name ?? 'no package.json'}", not "${name}". Point "link-path" at the ${name} package.`,
      );
    }
    verified.push({ name, target, version: manifest.version });
  }
  return verified;
}

async function packageNameIn(folder: string, subject: string): Promise<string> {
  const manifest = await readPackageManifest(folder);
  if (!manifest?.name) {
    throw new ActionError(`${subject}, which holds no package.json with a "name": point it at the folder of the package to link.`);
  }
  return manifest.name;
}
