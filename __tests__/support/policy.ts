import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProgram, parsePolicyConfig } from '../../src/policy/index.js';
import { presetConfig } from '../../src/policy/presets.js';
import { readProgram } from '../../src/policy/read.js';
import type { Finding, PolicyConfig, PolicyOptions, PresetName, ProgramReport } from '../../src/policy/types.js';

export const POLICY_FIXTURES = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));

/** The options the action passes by default (scope @pulumi, link pulumi), with `config` when given. */
export function policyOptions(config: PolicyConfig = parsePolicyConfig(undefined).config): PolicyOptions {
  return { scope: '@pulumi', links: ['pulumi'], registryUrl: 'https://npmjs.pulumi.com/', config };
}

/** Reads a fixture program from disk and checks it, as the action does before the install. */
export async function checkFixture(name: string, preset?: PresetName): Promise<ProgramReport> {
  const options = policyOptions(preset === undefined ? undefined : presetConfig(preset));
  return checkProgram(await readProgram(join(POLICY_FIXTURES, name), options.config), options);
}

/** The fields a fixture test asserts, with the file relative to the fixtures folder. */
export function located(finding: Finding): Pick<Finding, 'rule' | 'severity' | 'line' | 'column' | 'package'> & { file: string } {
  const { rule, severity, line, column } = finding;
  const shown = { rule, severity, file: finding.file.slice(POLICY_FIXTURES.length), line, column };
  return finding.package === undefined ? shown : { ...shown, package: finding.package };
}
