import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../util/errors.js';
import { toolVersion } from './command.js';
import type { ManagerContext, PackageManager } from './types.js';

/** A manager ready to run: its version, and the folder the action put on the PATH when it had to install it. */
export interface ReadyManager {
  version: string;
  /** Set when the runner lacked it: the bin folder of the copy the action installed into the tool cache. */
  installedBin?: string;
  /** What the action did, in one line, when it installed it. */
  note?: string;
}

export interface ManagerWanted {
  /** The version a `packageManager` field names, exactly; else `major`. */
  version?: string;
  major: number;
  /**
   * What makes the program need `major` (its `packageManager` field, its lockfile's format), said in the log; unset
   * when `major` is only the current one. A manager on the PATH of another line (yarn 1 for yarn 4) is not used then.
   */
  requiredBy?: string;
}

/** npm's own bounds on the download: a registry that hangs must not hold the job. */
const FETCH_BOUNDS = ['--fetch-retries=2', '--fetch-timeout=60000'];

/**
 * The manager's version on the runner; when it is not on the PATH, or the one there is of another line than the program
 * requires (the runner image's yarn 1 in a yarn 4 program, which yarn 1 refuses to install), npm installs `wanted`
 * into the runner's tool cache (as setup-node's tool cache keeps Node.js) and the caller puts its bin folder first on
 * the PATH. A version that cannot be had is an error naming the setup step to add.
 */
export async function readyManager(
  manager: PackageManager,
  wanted: ManagerWanted,
  context: ManagerContext,
  toolCache: string,
  cwd: string,
): Promise<ReadyManager> {
  const onPath = await manager.version(context, cwd);
  const npmPackage = manager.distribution.npmPackage(wanted.major);
  // Each line of a manager is its own npm package (yarn 1 is `yarn`, yarn 2+ is `@yarnpkg/cli-dist`).
  const otherLine = onPath && wanted.requiredBy !== undefined && manager.distribution.npmPackage(Number.parseInt(onPath, 10)) !== npmPackage;
  if (onPath && !otherLine) return { version: onPath };
  const spec = wanted.version ?? String(wanted.major);
  const missing = otherLine
    ? `${manager.name} ${onPath} on the PATH cannot install a program that needs ${manager.name} ${spec} (${wanted.requiredBy})`
    : `${manager.name} is not on the PATH`;
  const folder = path.join(toolCache, 'setup-pulumi-npm', `${manager.name}-${spec.replace(/[^\w.-]/g, '_')}`);
  const bin = path.join(folder, 'node_modules', '.bin');
  if (!existsSync(path.join(bin, manager.name))) {
    const args = [
      'install',
      '--prefix',
      folder,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...FETCH_BOUNDS,
      `${npmPackage}@${spec}`,
    ];
    const result = await context.run('npm', args, { cwd, env: context.env, quiet: true });
    if (result.exitCode !== 0) {
      const why =
        result.stderr
          .trim()
          .split('\n')
          .find((line) => /error/i.test(line)) ?? `exit code ${result.exitCode}`;
      throw new ActionError(
        `${missing}, and "npm install ${npmPackage}@${spec}" into the tool cache failed (${why.trim()}). ` +
          `Set ${manager.name} up in an earlier step: ${manager.distribution.setupStep}.`,
      );
    }
  }
  // By its full path: a program is looked up on the action's own PATH, which the caller extends only after this.
  const version = await toolVersion(context, path.join(bin, manager.name), cwd);
  if (!version) {
    throw new ActionError(
      `${manager.name} ${spec} was installed into ${folder}, but "${manager.name} --version" fails there. ` +
        `Set it up in an earlier step: ${manager.distribution.setupStep}.`,
    );
  }
  const note = `${missing}: installed ${npmPackage}@${version} with npm into ${folder}, on the PATH for this job's later steps.`;
  return { version, installedBin: bin, note };
}
