import { mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The package managers the tests run for real, each installed from the npm registry as a devDependency. */
export type TestManager = 'npm' | 'pnpm' | 'yarn1' | 'yarn4' | 'bun';

/** The command each one is run as, its devDependency, and the file that runs it (that package's bin). */
const BINARIES: Record<Exclude<TestManager, 'npm'>, { command: string; packageName: string; file: string }> = {
  pnpm: { command: 'pnpm', packageName: 'pnpm', file: 'bin/pnpm.cjs' },
  yarn1: { command: 'yarn', packageName: 'yarn', file: 'bin/yarn.js' },
  yarn4: { command: 'yarn', packageName: '@yarnpkg/cli-dist', file: 'bin/yarn.js' },
  bun: { command: 'bun', packageName: 'bun', file: 'bin/bun.exe' },
};

/** The command a manager is run as: "npm", "pnpm", "yarn" or "bun". */
export function managerCommand(manager: TestManager): string {
  return manager === 'npm' ? 'npm' : BINARIES[manager].command;
}

/** The version of a manager's devDependency, as a `packageManager` field names it (`pnpm@10.2.0`). */
export function packageManagerField(manager: Exclude<TestManager, 'npm'>): string {
  const { command, packageName } = BINARIES[manager];
  const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules', packageName, 'package.json'), 'utf8')) as { version: string };
  return `${command}@${manifest.version}`;
}

/**
 * A folder holding only `manager`'s command (yarn 1 and yarn 4 are both "yarn"), to put first on a test's PATH. It
 * lives under node_modules/.cache, so a test leaves nothing in TMPDIR; npm is on every PATH already.
 */
export function managerBinDir(manager: TestManager): string | undefined {
  if (manager === 'npm') return undefined;
  const { command, packageName, file } = BINARIES[manager];
  const dir = path.join(projectRoot, 'node_modules', '.cache', 'setup-pulumi-npm-tests', 'bin', manager);
  const link = path.join(dir, command);
  const target = path.join(projectRoot, 'node_modules', packageName, file);
  // A link made from another checkout (a worktree sharing this node_modules) points elsewhere, or nowhere: replaced.
  if (linkTarget(link) !== target) {
    mkdirSync(dir, { recursive: true });
    rmSync(link, { force: true });
    try {
      symlinkSync(target, link);
    } catch (error) {
      // Test files run in parallel: another one may have made the same link first.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || linkTarget(link) !== target) throw error;
    }
  }
  return dir;
}

function linkTarget(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

/** `basePath` with `manager`'s folder first. */
export function pathWithManager(manager: TestManager, basePath: string = process.env['PATH'] ?? ''): string {
  const dir = managerBinDir(manager);
  return dir ? `${dir}${path.delimiter}${basePath}` : basePath;
}
