import * as core from '@actions/core';
import {
  applyPolicyMode,
  checkInstalledTree,
  checkProgram,
  parsePolicyConfig,
  type Finding,
  type PolicyOptions,
  type ProgramInput,
  type ProgramReport,
  type SourceFile,
} from '../policy/index.js';
import type { Notice } from '../program-files/notice.js';
import { readInstalledTree, readPolicyFile, readProgram } from '../program-files/read.js';
import { annotate, countLine, printableFindings } from '../reporting.js';
import type { Settings } from '../settings.js';
import { relativePosix } from '../util/text.js';

export interface Policy {
  options: PolicyOptions;
  /** The policy file, when there is one. */
  file: SourceFile | undefined;
  /** The policy file's own findings. */
  findings: Finding[];
}

export interface CheckedProgram {
  input: ProgramInput;
  /** undefined when the policy is off. */
  policy: ProgramReport | undefined;
}

/** The policy file (none when the policy is off) and the options every check runs with. */
export async function readPolicy(settings: Settings): Promise<Policy> {
  const file = settings.policy === 'off' ? undefined : await readPolicyFile(settings.policyFile);
  const { config, findings } = await parsePolicyConfig(file);
  return { options: { scope: settings.scope, links: settings.links, registryUrl: settings.registryUrl, config }, file, findings };
}

/** Reads every program and, unless the policy is off, checks it before anything is installed (no token needed). */
export async function checkPrograms(settings: Settings, policy: Policy): Promise<CheckedProgram[]> {
  const programs: CheckedProgram[] = [];
  const notice: Notice = (message, where) =>
    core.notice(message, where && { file: relativePosix(settings.workspace, where.file), ...(where.line ? { startLine: where.line } : {}) });
  for (const { path } of settings.workingDirectories) {
    const input = await readProgram(path, policy.options.config, { workspace: settings.workspace, notice });
    const report = settings.policy === 'off' ? undefined : await checkProgram(input, policy.options);
    if (report) noticeUnscanned(input, notice);
    programs.push({ input, policy: report && { ...report, findings: printableFindings(applyPolicyMode(report.findings, settings.policy)) } });
  }
  // The policy file's own findings are reported once, with the first program's.
  programs[0]?.policy?.findings.unshift(...printableFindings(applyPolicyMode(policy.findings, settings.policy)));
  const findings = programs.flatMap((program) => program.policy?.findings ?? []);
  annotate(findings, settings.workspace);
  core.info(settings.policy === 'off' ? 'Input "policy" is off: the check was skipped.' : `Policy: ${countLine(findings)}.`);
  return programs;
}

/** A package with no source to scan passes the source rules unchecked: say so, rather than pass quietly. */
function noticeUnscanned(program: ProgramInput, notice: Notice): void {
  const members = program.workspaces ?? [];
  // A workspaces root's code lives in its members.
  const packages = members.length ? members : [program];
  for (const { sources, packageJson } of packages) {
    if (sources.length > 0) continue;
    notice(
      `No source file to scan beside this package.json: the rules that read the sources (strict-dependencies, undeclared-dependency) did not run. ` +
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
