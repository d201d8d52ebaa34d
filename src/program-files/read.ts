import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { ActionError } from '../errors.js';
import { parseManifest } from '../policy/manifest.js';
import type { InstalledTreeInput, PolicyConfig, PolicyOptions, ProgramInput, SourceFile } from '../policy/types.js';
import { readPackageManifest, readTextIfExistsSync } from '../util/files.js';
import { listSources } from './walk.js';

const STACK_FILE = /^Pulumi(\.[^/\\]+)?\.ya?ml$/;

/**
 * Reads what the static check needs from a program folder: package.json, package-lock.json, the sources, the
 * Pulumi stack files and, for a workspace root, each workspace. Throws ActionError when package.json is missing;
 * a malformed package.json is read as text and reported by the check.
 */
export async function readProgram(dir: string, config: PolicyConfig): Promise<ProgramInput> {
  const root = resolve(dir);
  const program = await readPackage(root, config);
  const lockfile = readOptional(join(root, 'package-lock.json'));
  if (lockfile !== undefined) program.lockfile = lockfile;
  const workspaces = parseManifest(program.packageJson).manifest?.workspaces ?? [];
  if (workspaces.length > 0) {
    const folders = await glob(workspaces, { cwd: root, onlyDirectories: true, absolute: true, ignore: ['**/node_modules/**'] });
    const members = [];
    for (const folder of folders.sort()) {
      const memberDir = resolve(folder);
      if (memberDir !== root && readOptional(join(memberDir, 'package.json')) !== undefined) members.push(await readPackage(memberDir, config));
    }
    program.workspaces = members;
  }
  return program;
}

async function readPackage(dir: string, config: PolicyConfig): Promise<ProgramInput> {
  const packageJson = readOptional(join(dir, 'package.json'));
  if (packageJson === undefined) throw new ActionError(`No package.json in ${dir}; set working-directory to the folder of the Pulumi program.`);
  const names = await readdir(dir);
  const stackConfigs = readAll(
    names
      .filter((name) => STACK_FILE.test(name))
      .sort()
      .map((name) => join(dir, name)),
  );
  const sources = readAll(listSources(dir, config.ignorePaths));
  return { dir, packageJson, sources, stackConfigs };
}

/** Reads the policy file (the `policy-file` input); undefined when there is none, which means the default preset. */
export async function readPolicyFile(path: string): Promise<SourceFile | undefined> {
  return readOptional(resolve(path));
}

/** Reads, after install and link, the version of each scope package in node_modules, and package-lock.json. */
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
  const lockfile = readOptional(join(root, 'package-lock.json'));
  if (lockfile !== undefined) input.lockfile = lockfile;
  return input;
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
