import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAcrossPrograms, checkProgram, parsePolicyConfig, type PolicyOptions, type ProgramInput, type RunInput } from '../src/policy/index.js';
import { alignVersions } from '../src/fix/align-versions.js';
import { presetConfig } from '../src/policy/presets.js';
import { policyOptions } from './support/policy.js';

const CURRENT = policyOptions(presetConfig('current'));

/** A program at /repo/<folder> whose package.json lists `dependencies` (one entry a line, from line 3). */
function program(folder: string, dependencies: Record<string, string>, extra: Partial<ProgramInput> = {}): ProgramInput {
  const dir = `/repo/${folder}`;
  const text = `{\n  "name": "${folder.replace(/\//g, '-')}",\n  "dependencies": ${JSON.stringify(dependencies, null, 4).replace(/\n}$/, '\n  }')}\n}\n`;
  return { dir, packageJson: { path: `${dir}/package.json`, text }, sources: [], ...extra };
}

async function across(programs: ProgramInput[], options: PolicyOptions | PolicyOptions[] = CURRENT) {
  const inputs: RunInput[] = programs.map((files, index) => ({
    files,
    options: Array.isArray(options) ? options[index]! : options,
    report: { dir: files.dir, findings: [], packages: [] },
  }));
  return checkAcrossPrograms(inputs, '/repo').map((report) => report.findings);
}

describe('versions-across-programs', () => {
  it('warns both programs on @pulumi/pulumi ^2 and ^3, on their entries, naming each other', async () => {
    const [a, b] = await across([
      program('infra/a', { '@pulumi/pulumi': '^2.0.0' }),
      program('infra/b', { '@pulumi/aws': '^6.0.0', '@pulumi/pulumi': '^3.1.0' }),
    ]);
    assert.deepEqual(
      [...a!, ...b!].map(({ rule, severity, file, line, column, package: name }) => ({ rule, severity, file, line, column, name })),
      [
        { rule: 'versions-across-programs', severity: 'warning', file: '/repo/infra/a/package.json', line: 4, column: 23, name: '@pulumi/pulumi' },
        { rule: 'versions-across-programs', severity: 'warning', file: '/repo/infra/b/package.json', line: 5, column: 23, name: '@pulumi/pulumi' },
      ],
    );
    assert.match(a![0]!.message, /^"@pulumi\/pulumi": "\^2\.0\.0" is on major 2, other programs of this run on another: infra\/b "\^3\.1\.0" \(major 3\)\./);
    assert.match(b![0]!.message, /: infra\/a "\^2\.0\.0" \(major 2\)\. /);
    assert.match(b![0]!.message, /two default providers in its state/);
    assert.match(b![0]!.message, /fix --align-versions/);
  });

  it('leaves programs on one major alone, whatever their ranges', async () => {
    const findings = await across([
      program('a', { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '6.2.0' }),
      program('b', { '@pulumi/pulumi': '~3.100.0', '@pulumi/aws': '>=6.1.0 <7' }),
      program('c', { '@pulumi/pulumi': '*', '@pulumi/aws': 'latest' }),
    ]);
    assert.deepEqual(findings, [[], [], []]);
  });

  it('warns a provider on different majors, an alias by its target, and names 0.x release lines', async () => {
    const [a, b, c] = await across([
      program('a', { '@pulumi/aws': '^5.0.0' }),
      program('b', { aws: 'npm:@pulumi/aws@^6.0.0' }),
      program('c', { '@pulumi/random': '^0.10.0', '@pulumi/aws': '^6.1.0' }),
      program('d', { '@pulumi/random': '0.11.2' }),
    ]);
    assert.deepEqual(
      a!.map((f) => f.package),
      ['@pulumi/aws'],
    );
    assert.match(a![0]!.message, /: b "npm:@pulumi\/aws@\^6\.0\.0" \(major 6\), c "\^6\.1\.0" \(major 6\)\./);
    assert.deepEqual(
      b!.map((f) => f.package),
      ['aws'],
    );
    assert.match(b![0]!.message, /one major of @pulumi\/aws/);
    assert.deepEqual(
      c!.map((f) => f.package),
      ['@pulumi/aws', '@pulumi/random'],
    );
    assert.match(c![1]!.message, /is on release line 0\.10, .*: d "0\.11\.2" \(release line 0\.11\)/);
  });

  it('leaves out file:, workspace:, git and generated SDKs', async () => {
    const findings = await across([
      program('a', { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': 'file:../vendor/aws', '@pulumi/gcp': 'workspace:*' }),
      program('b', { '@pulumi/pulumi': 'git+https://github.com/pulumi/pulumi.git', '@pulumi/aws': '^5.0.0', '@pulumi/gcp': '^7.0.0' }),
      program('c', { '@pulumi/aws': 'file:sdks/aws' }),
    ]);
    assert.deepEqual(findings, [[], [], []]);
  });

  it('compares the workspace members that are Pulumi programs, and counts a package.json two programs hold once', async () => {
    const member = program('mono/app', { '@pulumi/pulumi': '^2.0.0' }, { stackConfigs: [{ path: '/repo/mono/app/Pulumi.yaml', text: 'runtime: nodejs\n' }] });
    const library = program('mono/lib', { '@pulumi/pulumi': '^1.0.0' });
    const root = program('mono', {}, { workspaces: [member, library] });
    const [rootFindings, other, again] = await across([root, program('other', { '@pulumi/pulumi': '^3.0.0' }), member]);
    assert.deepEqual(
      rootFindings!.map((f) => f.file),
      ['/repo/mono/app/package.json'],
    );
    assert.match(other![0]!.message, /: mono\/app "\^2\.0\.0" \(major 2\)\./);
    assert.deepEqual(again, []);
  });

  it('is off when the policy file turns it off, and an error when it says so', async () => {
    const levels = async (level: string) => {
      const { config } = await parsePolicyConfig({
        path: '/repo/.github/pulumi-npm-policy.yml',
        text: `preset: current\nrules:\n  versions-across-programs: ${level}\n`,
      });
      return (await across([program('a', { '@pulumi/pulumi': '^2.0.0' }), program('b', { '@pulumi/pulumi': '^3.0.0' })], policyOptions(config!))).map(
        (findings) => findings.map((f) => f.severity),
      );
    };
    assert.deepEqual(await levels('off'), [[], []]);
    assert.deepEqual(await levels('error'), [['error'], ['error']]);
  });

  it('compares only programs under the same preset', async () => {
    const old = policyOptions(presetConfig('pulumi-0.10'));
    const findings = await across(
      [program('old', { '@pulumi/aws': '^0.10.0' }), program('new', { '@pulumi/aws': '^6.0.0' }), program('older', { '@pulumi/aws': '^0.11.0' })],
      [old, CURRENT, old],
    );
    assert.deepEqual(
      findings.map((list) => list.length),
      [1, 0, 1],
    );
    assert.match(findings[0]![0]!.message, /: older "\^0\.11\.0" \(release line 0\.11\)\./);
  });

  it("marks the entry's row in the program's table, and yields to a higher rule's finding of the same severity", async () => {
    const a = program('a', { '@pulumi/pulumi': '^2.0.0' });
    const b = program('b', { '@pulumi/pulumi': '^3.0.0' });
    const reports = await Promise.all([a, b].map((input) => checkProgram(input, CURRENT)));
    // Under current, minimum-version already errs on ^2; the warning comes anyway, as it is not the same severity.
    const [first, second] = checkAcrossPrograms(
      [a, b].map((files, index) => ({ files, options: CURRENT, report: reports[index]! })),
      '/repo',
    );
    assert.deepEqual(
      first!.findings.map((f) => f.rule),
      ['minimum-version', 'versions-across-programs'],
    );
    assert.deepEqual(second!.packages.find((row) => row.name === '@pulumi/pulumi')!.findings, ['versions-across-programs']);
    const warned = { ...first!.findings[0]!, severity: 'warning' as const };
    const [yielded] = checkAcrossPrograms(
      [
        { files: a, options: CURRENT, report: { ...first!, findings: [warned] } },
        { files: b, options: CURRENT, report: reports[1]! },
      ],
      '/repo',
    );
    assert.deepEqual(
      yielded!.findings.map((f) => f.rule),
      ['minimum-version'],
    );
  });

  it('leaves out the packages the policy file ignores', async () => {
    const { config } = await parsePolicyConfig({ path: '/repo/p.yml', text: 'preset: current\nignore:\n  packages: ["@pulumi/aws"]\n' });
    const findings = await across([program('a', { '@pulumi/aws': '^5.0.0' }), program('b', { '@pulumi/aws': '^6.0.0' })], policyOptions(config!));
    assert.deepEqual(findings, [[], []]);
  });
});

describe('fix --align-versions (alignVersions)', () => {
  it("sets every entry to the highest lowest version, in each entry's style, and keeps an alias", () => {
    const programs = [
      program('a', { '@pulumi/aws': '^5.1.0', '@pulumi/pulumi': '^3.0.0' }),
      program('b', { '@pulumi/aws': '6.2.0' }),
      program('c', { aws: 'npm:@pulumi/aws@~6.0.0' }),
      program('d', { '@pulumi/aws': '>=5.0.0 <7' }),
    ];
    const fixes = alignVersions(
      programs.map((files) => ({ files, options: CURRENT })),
      '/repo',
    );
    assert.deepEqual(
      fixes.map(({ file, changes }) => [file, changes]),
      [
        ['/repo/a/package.json', ['+ dependencies "@pulumi/aws": "^6.2.0"']],
        ['/repo/c/package.json', ['+ dependencies "aws": "npm:@pulumi/aws@~6.2.0"']],
        ['/repo/d/package.json', ['+ dependencies "@pulumi/aws": "^6.2.0"']],
      ],
    );
    assert.equal(fixes[0]!.after, programs[0]!.packageJson.text.replace('^5.1.0', '^6.2.0'));
  });
});
