import { lstat, readFile, readdir, readlink, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ActionError } from '../errors.js';
import type { InstalledTreeInput, PolicyConfig, PolicyOptions, ProgramInput, SourceFile } from './types.js';
import { effectiveLinks } from './links.js';

/** Reads what the static check needs from a program folder. Throws ActionError when package.json is missing. */
export async function readProgram(dir: string, config: PolicyConfig): Promise<ProgramInput> {
  const root = resolve(dir);
  const packageJson = await readOptional(join(root, 'package.json'));
  if (packageJson === undefined)
    throw new ActionError(`No package.json in ${root}; set working-directory to the folder of the Pulumi program.`, {
      file: join(root, 'package.json'),
    });
  const program: ProgramInput = { dir: root, packageJson, sources: [], stackConfigs: await readStackConfigs(root) };
  const lockfile = await readOptional(join(root, 'package-lock.json'));
  if (lockfile !== undefined) program.lockfile = lockfile;
  void config;
  return program;
}

/** Reads, after install and link, what each linked and scope package in node_modules is. */
export async function readInstalledTree(dir: string, options: PolicyOptions): Promise<InstalledTreeInput> {
  const root = resolve(dir);
  const modules = join(root, 'node_modules');
  const links = await Promise.all(
    effectiveLinks(options).map(async (name) => {
      const path = join(modules, name);
      const stats = await lstat(path).catch(() => undefined);
      const link: InstalledTreeInput['links'][number] = { name, exists: stats !== undefined, isSymlink: stats?.isSymbolicLink() ?? false };
      const targetName = link.isSymlink ? await packageField(await realpath(path).catch(() => readlink(path)), 'name') : undefined;
      if (targetName !== undefined) link.targetName = targetName;
      return link;
    }),
  );
  const scopeDir = join(modules, options.scope);
  const names = await readdir(scopeDir).catch(() => [] as string[]);
  const scopePackages = await Promise.all(
    names.filter((name) => !name.startsWith('.')).map(async (name) => {
      const pkg: InstalledTreeInput['scopePackages'][number] = { name: `${options.scope}/${name}` };
      const version = await packageField(join(scopeDir, name), 'version');
      if (version !== undefined) pkg.version = version;
      return pkg;
    }),
  );
  const input: InstalledTreeInput = { dir: root, links, scopePackages };
  const lockfile = await readOptional(join(root, 'package-lock.json'));
  if (lockfile !== undefined) input.lockfile = lockfile;
  return input;
}

async function readStackConfigs(root: string): Promise<SourceFile[]> {
  const names = (await readdir(root)).filter((name) => /^Pulumi\.[^/]+\.ya?ml$/.test(name)).sort();
  const files = await Promise.all(names.map((name) => readOptional(join(root, name))));
  return files.filter((file): file is SourceFile => file !== undefined);
}

async function readOptional(path: string): Promise<SourceFile | undefined> {
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ActionError(`Cannot read ${path}: ${(error as Error).message}`, { file: path });
  }
}

/** A string field of the package.json in `packageDir`, or undefined when it cannot be read. */
async function packageField(packageDir: string, field: 'name' | 'version'): Promise<string | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'))[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
