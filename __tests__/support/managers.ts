import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The package managers the tests run for real, each installed from the npm registry as a devDependency. */
export type TestManager = 'npm' | 'pnpm' | 'yarn1' | 'yarn4' | 'bun';

/** The command each one is run as, and the file that runs it (a devDependency's bin). */
const BINARIES: Record<Exclude<TestManager, 'npm'>, { command: string; file: string }> = {
  pnpm: { command: 'pnpm', file: 'node_modules/pnpm/bin/pnpm.cjs' },
  yarn1: { command: 'yarn', file: 'node_modules/yarn/bin/yarn.js' },
  yarn4: { command: 'yarn', file: 'node_modules/@yarnpkg/cli-dist/bin/yarn.js' },
  bun: { command: 'bun', file: 'node_modules/bun/bin/bun.exe' },
};

/**
 * A folder holding only `manager`'s command (yarn 1 and yarn 4 are both "yarn"), to put first on a test's PATH. It
 * lives under node_modules/.cache, so a test leaves nothing in TMPDIR; npm is on every PATH already.
 */
export function managerBinDir(manager: TestManager): string | undefined {
  if (manager === 'npm') return undefined;
  const { command, file } = BINARIES[manager];
  const dir = path.join(projectRoot, 'node_modules', '.cache', 'setup-pulumi-npm-tests', 'bin', manager);
  const link = path.join(dir, command);
  if (!existsSync(link)) {
    mkdirSync(dir, { recursive: true });
    symlinkSync(path.join(projectRoot, file), link);
  }
  return dir;
}

/** `basePath` with `manager`'s folder first. */
export function pathWithManager(manager: TestManager, basePath: string = process.env['PATH'] ?? ''): string {
  const dir = managerBinDir(manager);
  return dir ? `${dir}${path.delimiter}${basePath}` : basePath;
}
