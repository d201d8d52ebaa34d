import { core } from '../toolkit.js';
import { ActionError } from '../../util/errors.js';
import {
  applyPolicyMode,
  countLine,
  checkAcrossPrograms,
  checkInstalledTree,
  checkProgram,
  programFiles,
  type Finding,
  type PolicyOptions,
  type ProgramInput,
  type ProgramReport,
  type RunInput,
  type SourceFile,
} from '../../policy/index.js';
import type { Notice } from '../../program-files/notice.js';
import { managerNamed } from '../../package-managers/index.js';
import type { ManagerChoice } from '../../package-managers/detect.js';
import { choosePackageManagers } from './managers.js';
import { runPreset } from './preset.js';
import { RULES } from '../../policy/rules/index.js';
import { readInstalledTree, readPolicyFile, readProgram } from '../../program-files/read.js';
import { policyOptions } from '../../program-files/policy-options.js';
import { annotate, printableFindings } from '../../report/annotations.js';
import { plural } from '../../util/text.js';
import type { Settings } from '../settings.js';
import { relativePosix } from '../../util/text.js';

export interface Policy {
  options: PolicyOptions;
  /** The policy file, when there is one. */
  file: SourceFile | undefined;
  /** The registry the scope is routed to (the `registry-url` input, else the preset's); undefined routes nothing. */
  routedRegistry: string | undefined;
  /** The job's environment, for the manager's own config when nothing is routed. */
  env: NodeJS.ProcessEnv;
  /** Each working directory's package manager (in the input's order): it decides where the scope resolves unrouted, and installs. */
  choices: ManagerChoice[];
}

/**
 * What the steps after the check read of a program: its folder, package.json and lockfile (the token check, npm's
 * routing answer). The sources, most of a program's memory, are let go once it is checked: a repository of many
 * programs holds one program's sources at a time. Not a ProgramInput, so it cannot be checked again as one with no
 * sources.
 */
export type CheckedInput = Pick<ProgramInput, 'dir' | 'packageJson' | 'lockfile'>;

export interface CheckedProgram {
  input: CheckedInput;
  /** undefined when the policy is off. */
  policy: ProgramReport | undefined;
}

/**
 * The policy file and the options every check runs with: the preset (the `preset`
 * input, else the file's, else the default) decides the registry and the links the inputs leave empty. An invalid
 * policy file fails the run, with its errors as annotations: checking with another preset would mislead.
 */
export async function readPolicy(settings: Settings, env: NodeJS.ProcessEnv): Promise<Policy> {
  // Read even with the policy off: its preset decides the registry and the links.
  const file = await readPolicyFile(settings.policyFile);
  const { preset, registryUrl, scope, links } = settings;
  const choices = await choosePackageManagers(settings);
  // Unrouted, the manager resolves the scope from its own config (read in the first program; checkPrograms reads each one's).
  const first = settings.workingDirectories[0]?.path ?? settings.workspace;
  const configuredRegistry = () => managerNamed(choices[0]?.name ?? 'npm').registry.configured(scope, first, env, choices[0]?.version);
  // Read before the policy file decides whether `auto` is asked for; its error counts only if it is.
  const auto = preset === undefined || preset === 'auto' ? await settled(runPreset(settings)) : undefined;
  // Called only when `auto` is asked for (the input, else the policy file, else the default), which is when it was read.
  const detectPreset = () => {
    if ('error' in auto!) throw auto.error;
    return auto!.value;
  };
  const outcome = await policyOptions({ file, preset, registryUrl, scope, links, configuredRegistry, detectPreset });
  if (outcome.options === undefined) {
    const { findings } = outcome;
    annotate(printableFindings(findings), settings.workspace);
    throw new ActionError(
      `The policy file ${relativePosix(settings.workspace, settings.policyFile)} is invalid (${plural(findings.length, 'error')}, see the annotations): ` +
        'fix it; the check does not fall back to another preset.',
    );
  }
  return { options: outcome.options, file, routedRegistry: outcome.routedRegistry, env, choices };
}

/**
 * Reads every program and, unless the policy is off, checks it before anything is installed (no token needed): each
 * program alone, then the programs together (the rules across programs).
 */
export async function checkPrograms(settings: Settings, policy: Policy): Promise<CheckedProgram[]> {
  const checked: (CheckedInput & { run?: RunInput; otherManager?: Finding })[] = [];
  const notice: Notice = (message, where) =>
    core.notice(message, where && { file: relativePosix(settings.workspace, where.file), ...(where.line ? { startLine: where.line } : {}) });
  for (const [index, { path }] of settings.workingDirectories.entries()) {
    const choice = policy.choices[index]!;
    const input = await readProgram(path, policy.options.config, { workspace: settings.workspace, notice, lockfile: choice.lockfile });
    const { url, hostReplacement } = await managerNamed(choice.name).registry.configured(settings.scope, path, policy.env, choice.version);
    const options = { ...policy.options, registryUrl: policy.routedRegistry ?? url, hostReplacement };
    const report = settings.policy === 'off' ? undefined : await checkProgram(input, options);
    if (report) noticeUnscanned(input, notice);
    // Whatever the policy mode: the declaration and the lockfile disagree, or the input overrides what the program declares.
    const otherManager = choice.warning;
    if (otherManager && !report) annotate(printableFindings([otherManager]), settings.workspace);
    checked.push({ ...checkedInput(input), ...(report && { run: { files: programFiles(input), options, report } }), ...(otherManager && { otherManager }) });
  }
  const runs = checked.flatMap(({ run }) => (run ? [run] : []));
  const reports = checkAcrossPrograms(runs, settings.workspace);
  const programs = checked.map(({ run, otherManager, ...input }): CheckedProgram => {
    const report = run && reports[runs.indexOf(run)]!;
    const findings = report && printableFindings([...(otherManager ? [otherManager] : []), ...applyPolicyMode(report.findings, settings.policy)]);
    return { input, policy: report && findings && { ...report, findings } };
  });
  const findings = programs.flatMap((program) => program.policy?.findings ?? []);
  annotate(findings, settings.workspace);
  core.info(settings.policy === 'off' ? 'Input "policy" is off: the check was skipped.' : `Policy: ${countLine(findings)}.`);
  return programs;
}

/** What CheckedInput keeps of a program that was read and checked. */
export function checkedInput({ dir, packageJson, lockfile }: ProgramInput): CheckedInput {
  return { dir, packageJson, ...(lockfile ? { lockfile } : {}) };
}

/** A package with no source to scan passes the source rules unchecked: say so, rather than pass quietly. */
function noticeUnscanned(program: ProgramInput, notice: Notice): void {
  const members = program.workspaces ?? [];
  // A workspaces root's code lives in its members.
  const packages = members.length ? members : [program];
  const sourceRules = RULES.filter((rule) => rule.readsSources).map((rule) => rule.id);
  for (const { sources, packageJson } of packages) {
    if (sources.length > 0) continue;
    notice(
      `No source file to scan beside this package.json: the rules that read the sources (${sourceRules.join(', ')}) did not run. ` +
        `Check "ignore.paths" in the policy file and the .gitignore files above the program.`,
      { file: packageJson.path },
    );
  }
}

/** After install and links: each scope package in node_modules is the version the lockfile records. */
export async function checkInstalledProgram(settings: Settings, programDir: string, options: PolicyOptions): Promise<Finding[]> {
  if (settings.policy === 'off') return [];
  const findings = printableFindings(applyPolicyMode(checkInstalledTree(await readInstalledTree(programDir, options), options), settings.policy));
  annotate(findings, settings.workspace);
  return findings;
}

/** A promise's value or its error, to be thrown only where it matters. */
async function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
