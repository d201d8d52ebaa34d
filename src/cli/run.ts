import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ActionError } from '../util/errors.js';
import { fixProgram, unifiedDiff } from '../fix/program.js';
import {
  checkAcrossPrograms,
  checkProgram,
  countLine,
  programFiles,
  totals,
  type Finding,
  type PolicyOptions,
  type ProgramInput,
  type RunInput,
} from '../policy/index.js';
import { managerNamed } from '../package-managers/index.js';
import { choosePackageManager } from '../package-managers/detect.js';
import { programPreset } from '../policy/preset-detect.js';
import { readTextIfExistsSync } from '../util/files.js';
import { policyOptions } from '../program-files/policy-options.js';
import { readPolicyFile, readProgram } from '../program-files/read.js';
import { jsonReport } from '../report/json-report.js';
import { managerReason, managerRecord } from '../report/package-manager.js';
import type { PackageManagerRecord } from '../report/run-report.js';
import { CURRENT_FOLDER, folderName } from '../util/folder-name.js';
import { relativePosix } from '../util/text.js';
import { expandFolderArguments } from '../programs/working-directories.js';
import { ACTION_DEFAULTS, parseCommandLine, UsageError, type CommandLine } from './args.js';
import type { FixedProgram } from './align.js';
import { textLines } from './format.js';

/** Where the command line runs: its folder, its output streams, and whether stdout is a terminal that shows colour. */
export interface CliContext {
  cwd: string;
  out(text: string): void;
  err(text: string): void;
  colour: boolean;
}

/** Runs `setup-pulumi-npm check|fix`; returns the exit code (0 no errors, 1 errors, 2 bad usage or unreadable input). */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  try {
    const given = parseCommandLine(argv);
    if ('help' in given) {
      context.out(`${given.help}\n`);
      return 0;
    }
    // `auto` and globs, as in the action's working-directory, with the current folder as the workspace.
    const parsed = { ...given, dirs: await expandFolderArguments(given.dirs, context.cwd) };
    const { options, findings } = await readOptions(parsed, context.cwd, parsed.dirs[0] ?? '.');
    // An invalid policy file: its errors are the result, and no program is checked with a preset not asked for.
    if (options === undefined) return await check({ ...parsed, dirs: [] }, undefined, findings, context);
    // Each program gets its own options: with `auto`, its own layout decides its preset (nothing is routed here).
    const optionsFor = async (dir: string) => (await readOptions(parsed, context.cwd, dir)).options ?? options;
    return parsed.command === 'check' ? await check(parsed, optionsFor, findings, context) : await fix(parsed, optionsFor, findings, context);
  } catch (error) {
    // Bad usage, or input that cannot be read (a file system error carries a code such as EACCES): one line.
    const unreadable = error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
    if (!(error instanceof UsageError || error instanceof ActionError || unreadable)) throw error;
    context.err(`setup-pulumi-npm: ${error.message}\n`);
    return 2;
  }
}

/** The policy options for the program in `dir`, as the action builds them from its inputs, and the policy file's own findings. */
async function readOptions(line: CommandLine, cwd: string, dir: string): Promise<{ options: PolicyOptions | undefined; findings: Finding[] }> {
  const path = resolve(cwd, line.policyFile.path);
  const file = await readPolicyFile(path);
  if (file === undefined && line.policyFile.required) throw new UsageError(`the policy file ${path} does not exist: check --policy-file.`);
  // The registry the lockfile rule compares with: the preset's route, else the package manager's own configuration,
  // as in the action.
  const scope = ACTION_DEFAULTS.scope;
  const program = resolve(cwd, dir);
  const configuredRegistry = async () => {
    const choice = await choosePackageManager(program, cwd, 'auto');
    return await managerNamed(choice.name).registry.configured(scope, program, process.env, choice.version);
  };
  const detectPreset = () => programPreset({ path: join(program, 'package.json'), text: readTextIfExistsSync(join(program, 'package.json')) ?? '' }, scope);
  return await policyOptions({ file, preset: line.preset, registryUrl: undefined, scope, links: line.links, configuredRegistry, detectPreset });
}

/** Reads the program in `dir` (as given on the command line, relative to `cwd`). */
async function readProgramIn(cwd: string, dir: string, options: PolicyOptions, lockfile?: string): Promise<ProgramInput> {
  const path = resolve(cwd, dir);
  if (!existsSync(join(path, 'package.json'))) throw new UsageError(`"${dir}" has no package.json: give the folder of a Pulumi program.`);
  return await readProgram(path, options.config, { lockfile });
}

async function check(
  line: CommandLine,
  optionsFor: ((dir: string) => Promise<PolicyOptions>) | undefined,
  policyFindings: Finding[],
  context: CliContext,
): Promise<number> {
  const runs: RunInput[] = [];
  const packageManagers: PackageManagerRecord[] = [];
  const managerFindings: Finding[] = [];
  for (const dir of optionsFor ? line.dirs : []) {
    const options = await optionsFor!(dir);
    // The package manager as the action would choose it: its warning (a declaration the lockfile contradicts) is the check's too.
    const choice = await choosePackageManager(resolve(context.cwd, dir), context.cwd, 'auto');
    if (choice.warning) managerFindings.push(choice.warning);
    const input = await readProgramIn(context.cwd, dir, options, choice.lockfile);
    runs.push({ files: programFiles(input), options, report: await checkProgram(input, options) });
    packageManagers.push(managerRecord(choice, context.cwd));
  }
  // The folders given are the programs of one run: the rules across programs compare them.
  const reports = checkAcrossPrograms(runs, context.cwd).map((report, index) => ({ ...report, packageManager: packageManagers[index]! }));
  const findings = [...policyFindings, ...managerFindings, ...reports.flatMap((report) => report.findings)];
  switch (line.format) {
    case 'text': {
      // After the findings, a line a program, so that every line before them is a finding (as eslint prints them).
      const managers = reports.map(
        ({ dir, packageManager }) => `${folderName(context.cwd, dir, CURRENT_FOLDER)} installs with ${packageManager.name} (${managerReason(packageManager)}).`,
      );
      context.out([...textLines(findings, context.cwd, context.colour), ...managers, countLine(findings), ''].join('\n'));
      break;
    }
    case 'json':
      context.out(
        jsonReport(
          context.cwd,
          reports.map(({ dir, packageManager, packages }) => ({ dir, packageManager, packages })),
          findings,
        ),
      );
      break;
    case 'sarif': {
      const { sarifLog } = await import('../report/sarif.js');
      context.out(`${JSON.stringify(sarifLog(findings, context.cwd), null, 2)}\n`);
      break;
    }
    case 'github': {
      // The action's own annotations: @actions/core writes the workflow commands to stdout.
      const { annotate } = await import('../report/annotations.js');
      annotate(findings, context.cwd);
      break;
    }
  }
  return totals(findings).errors > 0 ? 1 : 0;
}

async function fix(line: CommandLine, optionsFor: (dir: string) => Promise<PolicyOptions>, policyFindings: Finding[], context: CliContext): Promise<number> {
  const left: Finding[] = [...policyFindings];
  let changed = 0;
  let suggested = 0;
  const programs: FixedProgram[] = [];
  for (const dir of line.dirs) {
    const options = await optionsFor(dir);
    const choice = await choosePackageManager(resolve(context.cwd, dir), context.cwd, 'auto');
    const input = await readProgramIn(context.cwd, dir, options, choice.lockfile);
    const result = await fixProgram(input, options, { manager: choice.name });
    programs.push({ files: programFiles(input), options, fix: result });
    for (const { file, note } of result.notes) context.out(`${relativePosix(context.cwd, file)}: not fixed: ${note}\n`);
    for (const fixed of result.fixes) {
      const name = relativePosix(context.cwd, fixed.file);
      changed++;
      if (line.dryRun) {
        context.out(unifiedDiff(name, fixed));
        continue;
      }
      await writeFile(fixed.file, fixed.after);
      context.out([`Fixed ${name}:`, ...fixed.changes.map((change) => `  ${change}`), ''].join('\n'));
    }
    if (result.fixes.length > 0) context.out(`${afterFix(result.commands.install, dir, choice.lockfile, context.cwd, line.dryRun)}\n`);
    for (const suggestion of result.suggestions) {
      suggested++;
      const name = relativePosix(context.cwd, suggestion.file);
      context.out([`Suggested for ${name}, not written (${unconfirmed(options)}):`, ...suggestion.changes.map((change) => `  ${change}`), ''].join('\n'));
    }
    left.push(...result.left);
  }
  // Across the programs given: one range for a package they list on different majors, only with --align-versions.
  const aligned = await (await import('./align.js')).alignPrograms(programs, { align: line.alignVersions, dryRun: line.dryRun }, context);
  changed += aligned.changed;
  left.push(...aligned.left);
  if (changed === 0 && suggested === 0) context.out('Nothing to fix.\n');
  if (left.length > 0) context.out([`Left${line.dryRun ? ' after these fixes' : ''}:`, ...textLines(left, context.cwd, context.colour), ''].join('\n'));
  context.out(`${countLine(left)} left.\n`);
  return totals(left).errors > 0 ? 1 : 0;
}

/** The command that brings the program's lockfile (or node_modules) in step with the package.json fix wrote. */
function afterFix(install: string, dir: string, lockfile: string | undefined, cwd: string, dryRun: boolean): string {
  const where = dir === '.' ? '' : ` in ${dir}`;
  const what = lockfile === undefined ? 'install what package.json lists now' : `bring ${relativePosix(cwd, lockfile)} in step with package.json`;
  return `${dryRun ? 'After these changes, run' : 'Now run'} "${install}"${where} to ${what}.`;
}

/** Why a suggestion is not written: `auto` chose the preset whose rule asks for it. */
function unconfirmed({ config }: PolicyOptions): string {
  return (
    `preset auto chose ${config.preset} from ${config.presetEvidence ?? 'the layout'}, and only that preset asks for it: ` +
    `run fix with --preset ${config.preset}, or set the preset in the policy file, to write it`
  );
}
