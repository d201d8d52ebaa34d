import * as core from '@actions/core';
import { applyPolicyMode, checkInstalledTree, checkProgram, parsePolicyConfig, type Finding, type PolicyOptions, type ProgramInput } from '../policy/index.js';
import { readInstalledTree, readPolicyFile, readProgram } from '../program-files/read.js';
import { annotate, countLine, type ProgramRecord, type RunRecord } from '../reporting.js';
import type { Settings } from '../settings.js';

export interface PolicyPhase {
  options: PolicyOptions;
  programs: ProgramInput[];
}

/** Reads every program and, unless the policy is off, checks it before anything is installed (no token needed). */
export async function checkPrograms(settings: Settings, record: RunRecord): Promise<PolicyPhase> {
  const policyFile = settings.policy === 'off' ? undefined : await readPolicyFile(settings.policyFile);
  const { config, findings: configFindings } = await parsePolicyConfig(policyFile);
  record.settings.policyFile = policyFile?.path;
  const options: PolicyOptions = { scope: settings.scope, links: settings.links, registryUrl: settings.registryUrl, config };
  const programs: ProgramInput[] = [];
  for (const program of record.programs) {
    const input = await readProgram(program.dir, config);
    programs.push(input);
    if (settings.policy === 'off') continue;
    const report = await checkProgram(input, options);
    program.policy = { ...report, findings: applyPolicyMode(report.findings, settings.policy) };
  }
  // The policy file's own findings are reported once, with the first program's.
  record.programs[0]?.policy?.findings.unshift(...applyPolicyMode(configFindings, settings.policy));
  const findings = record.programs.flatMap((program) => program.policy?.findings ?? []);
  annotate(findings, settings.workspace);
  core.info(settings.policy === 'off' ? 'Input "policy" is off: the check was skipped.' : `Policy: ${countLine(findings)}.`);
  return { options, programs };
}

/** After install and links: each scope package in node_modules is the version the lockfile records. */
export async function checkInstalledProgram(settings: Settings, program: ProgramRecord, options: PolicyOptions): Promise<Finding[]> {
  if (settings.policy === 'off') return [];
  const findings = applyPolicyMode(checkInstalledTree(await readInstalledTree(program.dir, options), options), settings.policy);
  annotate(findings, settings.workspace);
  program.policy?.findings.push(...findings);
  return findings;
}

/** The first scope package any program lists: reading it proves the token's access, not just its validity. */
export function firstScopePackage(programs: ProgramInput[], scope: string): string | undefined {
  for (const program of programs) {
    try {
      const manifest = JSON.parse(program.packageJson.text) as Record<string, unknown>;
      const dependencies = manifest['dependencies'];
      const names = dependencies && typeof dependencies === 'object' ? Object.keys(dependencies) : [];
      const name = names.find((candidate) => candidate.startsWith(`${scope}/`));
      if (name) return name;
    } catch {
      // A malformed package.json was reported by the policy check; there is nothing to read here.
    }
  }
  return undefined;
}
