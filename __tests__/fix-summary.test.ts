/** The job summary's fixes: the published command line only when the action runs from a release, else a patch git applies. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkProgram } from '../src/policy/index.js';
import { presetConfig } from '../src/policy/presets.js';
import { readProgram } from '../src/program-files/read.js';
import { fixSummary } from '../src/report/fix-summary.js';
import { PUBLISHED_CLI, releasedCliVersion } from '../src/report/published-cli.js';
import type { ProgramRecord } from '../src/report/run-report.js';
import { policyOptions, temporaryTree } from './support/policy.js';

const OLD_PROGRAM = '{\n  "name": "old",\n  "peerDependencies": {\n    "@pulumi/aws": "*",\n    "pulumi": "latest"\n  }\n}\n';
const options = policyOptions(presetConfig('pulumi-0.10'));

/** A checkout with one program written before 0.10 in `infra/`, and its record as the check left it. */
async function checkout(t: Parameters<typeof temporaryTree>[0]): Promise<{ root: string; program: ProgramRecord }> {
  const root = await temporaryTree(t, { 'infra/package.json': OLD_PROGRAM, 'infra/index.ts': 'import "@pulumi/aws";\n' });
  const dir = join(root, 'infra');
  const policy = await checkProgram(await readProgram(dir, options.config), options);
  assert.ok(policy.findings.length > 0, 'the program has findings to fix');
  return { root, program: { dir, name: 'infra', policy } };
}

/** The diff in the section's code block. */
function diffOf(section: string): string {
  const diff = /```diff\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(diff, section);
  return `${diff}\n`;
}

describe('the fixes section', () => {
  it('outside a release, shows a patch that git applies at the root of the checkout, giving what fix writes', async (t) => {
    const { root, program } = await checkout(t);
    const section = await fixSummary(root, [program], async () => options, undefined);
    assert.ok(section.includes('Save this diff as `fix.patch` and run `git apply fix.patch` at the root of the checkout'), section);
    assert.doesNotMatch(section, /npx/);
    await writeFile(join(root, 'fix.patch'), diffOf(section));
    execFileSync('git', ['init', '--quiet'], { cwd: root, stdio: 'pipe' });
    execFileSync('git', ['apply', 'fix.patch'], { cwd: root, stdio: 'pipe' });
    const fixed = await readFile(join(root, 'infra/package.json'), 'utf8');
    assert.match(fixed, /"dependencies": \{\n {4}"@pulumi\/aws": "\^0\.10\.0"\n {2}\}/);
    const again = await checkProgram(await readProgram(program.dir, options.config), options);
    assert.deepEqual(
      again.findings.filter((finding) => finding.rule === 'scoped-in-dependencies'),
      [],
    );
  });

  it('from a release, names the published command line at that version, and the same diff', async (t) => {
    const { root, program } = await checkout(t);
    const section = await fixSummary(root, [program], async () => options, '1.2.0');
    assert.ok(section.includes(`Run \`npx --yes ${PUBLISHED_CLI}@1.2.0 fix infra\` in the repository to make these changes:`), section);
    assert.equal(diffOf(section), diffOf(await fixSummary(root, [program], async () => options, undefined)));
  });

  it('from a release, passes the preset and links the inputs gave and a policy file off the default path, so fix checks as the run did', async (t) => {
    const { root, program } = await checkout(t);
    const asked = { ...options, links: [], config: { ...options.config, presetOrigin: 'input' as const, file: join(root, 'ci', 'policy.yml') } };
    const section = await fixSummary(root, [program], async () => asked, '1.2.0');
    assert.ok(
      section.includes(`Run \`npx --yes ${PUBLISHED_CLI}@1.2.0 fix --preset pulumi-0.10 --link none --policy-file ci/policy.yml infra\` in the repository`),
      section,
    );
  });
});

describe('releasedCliVersion', () => {
  it('lists the edits only the preset auto chose asks for as suggestions, outside the diff and the command', async (t) => {
    const { root, program } = await checkout(t);
    const detected = policyOptions({ ...presetConfig('pulumi-0.10', 'default'), presetEvidence: '"pulumi" in peerDependencies' });
    const section = await fixSummary(root, [program], async () => detected, '1.2.3');
    assert.match(section, /Suggested for the preset `pulumi-0\.10` that `auto` chose, which no fix writes: set `preset: pulumi-0\.10`/);
    assert.match(section, /^- infra\/package\.json: .*@pulumi\/aws/m);
    // Nothing else the run could fix: no diff, and no command that would write nothing.
    assert.doesNotMatch(section, /```diff|npx/);
  });

  it('is the bundle version when the action runs from its tag vX.Y.Z or the major tag vX', () => {
    assert.equal(releasedCliVersion('v1.2.0', '1.2.0'), '1.2.0');
    assert.equal(releasedCliVersion('v1', '1.2.0'), '1.2.0');
  });

  it('is undefined for a branch, a SHA, another tag, a local run, an unbundled run or a prerelease', () => {
    for (const [ref, version] of [
      ['main', '1.2.0'],
      ['0123456789abcdef0123456789abcdef01234567', '1.2.0'],
      ['v2', '1.2.0'],
      ['v1.2.1', '1.2.0'],
      ['1.2.0', '1.2.0'],
      ['', '1.2.0'],
      [undefined, '1.2.0'],
      ['v1.2.0', undefined],
      ['v1', '1.2.0-rc.1'],
    ] as const)
      assert.equal(releasedCliVersion(ref, version), undefined, `${ref} at ${version}`);
  });
});
