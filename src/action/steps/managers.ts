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
    const programs = choices.map((choice, index) => ({ choice, dir: settings.workingDirectories[index]!.path }));
    const { wanted, dir } = wantedVersion(manager, programs);
    // Asked where the program that requires a line is: its yarnPath or corepack's packageManager may answer there.
    const done = await readyManager(manager, wanted, context(manager, ready.env), toolCache(settings, env), dir ?? settings.workspace);
    if (done.installedBin) {
      ready.addedPaths.push(done.installedBin);
      ready.env = { ...ready.env, PATH: `${done.installedBin}${path.delimiter}${ready.env['PATH'] ?? ''}` };
    }
    if (done.note) ready.notes.push(done.note);
    ready.versions.set(manager.name, done.version);
  }
  return ready;
}

/** What a program says of its manager's line: its `packageManager` field's version, else its lockfile's format. */
interface LineRequirement {
  version?: string;
  major: number;
  requiredBy: string;
  dir: string;
}

/**
 * The version to install when missing: the first `packageManager` field's, else the major the first lockfile's format
 * tells, else the current major; with the folder of the program that requires it. A requirement makes a manager of
 * another line on the PATH unused, but only when every program of this manager that states a line states the same
 * one: programs of two lines (yarn 1 and yarn 4) keep the PATH's manager, which their own yarnPath or corepack serve.
 */
function wantedVersion(manager: PackageManager, programs: Array<{ choice: ManagerChoice; dir: string }>): { wanted: ManagerWanted; dir?: string } {
  const requirements = programs.filter(({ choice }) => choice.name === manager.name).flatMap(({ choice, dir }) => lineOf(manager, choice, dir) ?? []);
  const first = requirements[0];
  if (!first) return { wanted: { major: manager.distribution.currentMajor } };
  const line = (major: number) => manager.distribution.npmPackage(major);
  const chosen = requirements.find((requirement) => requirement.version) ?? first;
  const wanted: ManagerWanted = { ...(chosen.version && { version: chosen.version }), major: chosen.major };
  if (requirements.some((other) => line(other.major) !== line(chosen.major))) return { wanted };
  return { wanted: { ...wanted, requiredBy: chosen.requiredBy }, dir: chosen.dir };
}

function lineOf(manager: PackageManager, choice: ManagerChoice, dir: string): LineRequirement | undefined {
  if (choice.version)
    return { version: choice.version, major: Number.parseInt(choice.version, 10), requiredBy: `"packageManager": "${manager.name}@${choice.version}"`, dir };
  const major = choice.lockfile && manager.distribution.lockfileMajor ? manager.distribution.lockfileMajor(readText(choice.lockfile)) : undefined;
  return major === undefined ? undefined : { major, requiredBy: `the format of ${path.basename(choice.lockfile!)}`, dir };
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
