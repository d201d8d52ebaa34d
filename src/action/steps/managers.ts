import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { choosePackageManager, type ManagerChoice } from '../../package-managers/detect.js';
import { managerNamed, type ManagerContext, type ManagerName, type PackageManager } from '../../package-managers/index.js';
import { readyManager, type ManagerWanted } from '../../package-managers/tool-setup.js';
import type { Settings } from '../settings.js';

/** Each working directory's package manager, in the order of the input, and why (Pulumi's order, or the input). */
export async function choosePackageManagers(settings: Settings): Promise<ManagerChoice[]> {
  return Promise.all(settings.workingDirectories.map((dir) => choosePackageManager(dir.path, settings.workspace, settings.packageManager)));
}

/** The managers the programs use, each once, in the order of their first program. */
export function managersOf(choices: ManagerChoice[]): PackageManager[] {
  return [...new Set(choices.map((choice) => choice.name))].map(managerNamed);
}

/** The managers made runnable: each one's version, the environment with any installed one on the PATH, and what was done. */
export interface ReadyManagers {
  versions: Map<ManagerName, string>;
  env: NodeJS.ProcessEnv;
  /** Bin folders of managers the action installed, for the job's later steps. */
  addedPaths: string[];
  notes: string[];
}

/**
 * Makes each manager the programs use runnable, installing a missing one into the tool cache; prints nothing (it runs
 * beside the policy check). Never holds the token: `context` gives the manager's own environment without it.
 */
export async function readyManagers(
  settings: Settings,
  choices: ManagerChoice[],
  env: NodeJS.ProcessEnv,
  context: (manager: PackageManager, env: NodeJS.ProcessEnv) => ManagerContext,
): Promise<ReadyManagers> {
  const ready: ReadyManagers = { versions: new Map(), env, addedPaths: [], notes: [] };
  for (const manager of managersOf(choices)) {
    const done = await readyManager(manager, wantedVersion(manager, choices), context(manager, ready.env), toolCache(settings, env), settings.workspace);
    if (done.installedBin) {
      ready.addedPaths.push(done.installedBin);
      ready.env = { ...ready.env, PATH: `${done.installedBin}${path.delimiter}${ready.env['PATH'] ?? ''}` };
    }
    if (done.note) ready.notes.push(done.note);
    ready.versions.set(manager.name, done.version);
  }
  return ready;
}

/**
 * The version to install when missing: the first `packageManager` field's, else the major the lockfile's format tells,
 * else the current major. The first two are required: a manager of another line on the PATH is not used.
 */
function wantedVersion(manager: PackageManager, choices: ManagerChoice[]): ManagerWanted {
  const own = choices.filter((choice) => choice.name === manager.name);
  const declared = own.find((choice) => choice.version)?.version;
  if (declared) return { version: declared, major: Number.parseInt(declared, 10), requiredBy: `"packageManager": "${manager.name}@${declared}"` };
  const lockfile = own.find((choice) => choice.lockfile)?.lockfile;
  const major = lockfile && manager.distribution.lockfileMajor ? manager.distribution.lockfileMajor(readText(lockfile)) : undefined;
  if (major === undefined) return { major: manager.distribution.currentMajor };
  return { major, requiredBy: `the format of ${path.basename(lockfile!)}` };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The runner's tool cache (RUNNER_TOOL_CACHE), else a folder of the run's temp. */
function toolCache(settings: Settings, env: NodeJS.ProcessEnv): string {
  return env['RUNNER_TOOL_CACHE'] || path.join(settings.runnerTemp, 'tool-cache');
}
