import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkProgram } from '../../src/policy/index.js';
import { DEFAULT_PRESET, presetConfig } from '../../src/policy/presets.js';
import { readProgram } from '../../src/program-files/read.js';
import type { Finding, PolicyConfig, PolicyOptions, PresetName, ProgramInput, ProgramReport } from '../../src/policy/types.js';

export const POLICY_FIXTURES = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));

/** The options the action passes with empty `link` and `registry-url` inputs: the preset's (`config`'s) links and registry. */
export function policyOptions(config: PolicyConfig = presetConfig(DEFAULT_PRESET)): PolicyOptions {
  return { scope: '@pulumi', links: config.links, registryUrl: config.registryUrl ?? 'https://registry.npmjs.org/', config };
}

/** Reads a fixture program from disk and checks it, as the action does before the install. */
export async function checkFixture(name: string, preset?: PresetName): Promise<ProgramReport> {
  const options = policyOptions(preset === undefined ? undefined : presetConfig(preset));
  return await checkProgram(await readProgram(join(POLICY_FIXTURES, name), options.config), options);
}

/** A program given inline: package.json from an object, sources by path relative to /p. */
export function inlineProgram(manifest: object, sources: Record<string, string> = {}): ProgramInput {
  return {
    dir: '/p',
    packageJson: { path: '/p/package.json', text: JSON.stringify(manifest, null, 2) },
    sources: Object.entries(sources).map(([path, text]) => ({ path: `/p/${path}`, text })),
  };
}

/** The fields a fixture test asserts, with the file relative to the fixtures folder. */
export function located(finding: Finding): Pick<Finding, 'rule' | 'severity' | 'line' | 'column' | 'package'> & { file: string } {
  const { rule, severity, line, column } = finding;
  const shown = { rule, severity, file: finding.file.startsWith(POLICY_FIXTURES) ? finding.file.slice(POLICY_FIXTURES.length) : finding.file, line, column };
  return finding.package === undefined ? shown : { ...shown, package: finding.package };
}

/** Writes `files` (relative path → text) under a new temporary folder, removed when the test ends. */
export async function temporaryTree(t: TestContext, files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'policy-test-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}
