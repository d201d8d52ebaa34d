import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkProgram } from '../../src/policy/index.js';
import type { LockfileResult, Lockfile } from '../../src/policy/lockfile.js';
import { presetConfig } from '../../src/policy/presets.js';
import type { Finding, PolicyOptions, SourceFile } from '../../src/policy/types.js';
import { readProgram } from '../../src/program-files/read.js';
import { located, policyOptions, POLICY_FIXTURES } from './policy.js';

// What the tests of the pnpm, yarn and bun lockfile readers share.

export type LockfileReader = (file: SourceFile) => Promise<LockfileResult> | LockfileResult;

/** The `current` preset's options (npm's default registry, no links), with another registry when given. */
export function currentOptions(registryUrl?: string): PolicyOptions {
  const options = policyOptions(presetConfig('current'));
  return registryUrl === undefined ? options : { ...options, registryUrl };
}

/** The lockfile-registry findings of a fixture program, read from disk as the action reads it. */
export async function lockfileFindings(name: string, options: PolicyOptions = currentOptions()): Promise<ReturnType<typeof located>[]> {
  const report = await checkProgram(await readProgram(join(POLICY_FIXTURES, name), options.config), options);
  return report.findings.filter((finding) => finding.rule === 'lockfile-registry').map(located);
}

/** A fixture's lockfile as a source file, its text changed by `edit`. */
export function fixtureFile(name: string, file: string, edit: (text: string) => string = (text) => text): SourceFile {
  const path = join(POLICY_FIXTURES, name, file);
  return { path, text: edit(readFileSync(path, 'utf8')) };
}

/** A fixture program's package.json, parsed. */
export function fixtureManifest(name: string): object {
  return JSON.parse(fixtureFile(name, 'package.json').text) as object;
}

/** The lockfile a reader makes of a text, failing the test when it cannot. */
export async function readable(reader: LockfileReader, file: SourceFile): Promise<Lockfile> {
  const read = await reader(file);
  assert.ok('lockfile' in read, JSON.stringify(read));
  return read.lockfile;
}

/** The finding a reader makes of a text it cannot read: its message matches, at the line given. */
export async function assertUnreadable(reader: LockfileReader, file: SourceFile, message: RegExp, line?: number): Promise<void> {
  const read = await reader(file);
  assert.ok('error' in read, `expected an error, got ${Object.keys(read).join()}`);
  assert.match(read.error.message, message);
  if (line !== undefined) assert.equal(read.error.span.start.line, line);
}

/** The lockfile-registry findings of an inline program with a lockfile read from text. */
export async function inlineFindings(
  manifest: object,
  lockfile: LockfileResult,
  options: PolicyOptions = currentOptions(),
): Promise<Pick<Finding, 'line' | 'column' | 'package' | 'message'>[]> {
  const program = {
    dir: '/p',
    packageJson: { path: '/p/package.json', text: JSON.stringify(manifest, null, 2) },
    sources: [],
    lockfile,
  };
  const { findings } = await checkProgram(program, options);
  return findings
    .filter((finding) => finding.rule === 'lockfile-registry')
    .map(({ line, column, package: pkg, message }) => ({ line, column, package: pkg, message }));
}

/** Of a local scope package (`localSpec`) and a generated SDK (`file:sdks/sdk`), only the first is found, on `line`. */
export async function assertLocalLinkFound(read: LockfileResult, localSpec: string, line: number): Promise<void> {
  const findings = await inlineFindings({ dependencies: { '@pulumi/local': localSpec, '@pulumi/sdk': 'file:sdks/sdk' } }, read);
  assert.deepEqual(
    findings.map((finding) => [finding.package, finding.line]),
    [['@pulumi/local', line]],
  );
  assert.match(findings[0]!.message, /links "@pulumi\/local" from a local folder/);
}

/** Hostile texts every reader turns into a finding on the file, never a throw or a hang. */
export const HOSTILE_TEXTS: { title: string; text: string; message: RegExp }[] = [
  { title: 'binary', text: 'lockfile\0\x01\x02', message: /cannot be read: it holds binary data/ },
  { title: 'nested deeply', text: `a: ${'['.repeat(100_000)}`, message: /cannot be read: it is nested too deeply/ },
  { title: 'indented deeply', text: Array.from({ length: 400 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n'), message: /nested too deeply/ },
  { title: 'huge', text: 'x'.repeat(64 * 1024 * 1024 + 1), message: /cannot be read: it holds \d+ characters/ },
];
