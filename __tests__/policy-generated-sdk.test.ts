import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixProgram } from '../src/fix/program.js';
import { readNpmLockfile } from '../src/package-managers/npm/lockfile.js';
import { isGeneratedSdkSpec, isWorkspaceLink } from '../src/policy/generated-sdk.js';
import { checkProgram } from '../src/policy/index.js';
import { presetConfig } from '../src/policy/presets.js';
import type { PresetName, ProgramInput } from '../src/policy/types.js';
import { policyOptions } from './support/policy.js';

// What `pulumi package add terraform-module terraform-aws-modules/vpc/aws 5.18.1 vpc` leaves in a program.
const PULUMI_YAML = `name: network
runtime: nodejs
packages:
  vpc:
    source: terraform-module
    version: 0.1.7
    parameters:
      - terraform-aws-modules/vpc/aws
      - 5.18.1
      - vpc
  unused:
    source: terraform-module
    version: 0.1.7
    parameters: [example/unused/aws, 1.0.0, unused]
`;

function sdkProgram(dependencies: Record<string, string>, lockfileVersion: 1 | 3 = 3): ProgramInput {
  const manifest = { name: 'network', dependencies: { '@pulumi/pulumi': '^3.113.0', ...dependencies } };
  const links = Object.entries(dependencies).filter(([, spec]) => spec.startsWith('file:'));
  const lock =
    lockfileVersion === 3
      ? {
          lockfileVersion: 3,
          packages: {
            '': manifest,
            'node_modules/@pulumi/pulumi': { version: '3.113.0', resolved: 'https://registry.npmjs.org/@pulumi/pulumi/-/pulumi-3.113.0.tgz' },
            ...Object.fromEntries(links.map(([name, spec]) => [`node_modules/${name}`, { resolved: spec.slice('file:'.length), link: true }])),
            ...Object.fromEntries(links.map(([, spec]) => [spec.slice('file:'.length), { version: '0.0.0-dev' }])),
          },
        }
      : {
          lockfileVersion: 1,
          dependencies: {
            '@pulumi/pulumi': { version: '3.113.0', resolved: 'https://registry.npmjs.org/@pulumi/pulumi/-/pulumi-3.113.0.tgz' },
            ...Object.fromEntries(links.map(([name, spec]) => [name, { version: spec }])),
          },
        };
  return {
    dir: '/p',
    packageJson: { path: '/p/package.json', text: JSON.stringify(manifest, null, 2) },
    sources: [{ path: '/p/index.ts', text: 'import * as vpc from "@pulumi/vpc";\nexport const id = new vpc.Module("main").vpcId;\n' }],
    stackConfigs: [{ path: '/p/Pulumi.yaml', text: PULUMI_YAML }],
    lockfile: readNpmLockfile({ path: '/p/package-lock.json', text: JSON.stringify(lock, null, 2) }),
  };
}

const options = (preset: PresetName) => policyOptions(presetConfig(preset));
const rulesAndPackages = async (input: ProgramInput, preset: PresetName) =>
  (await checkProgram(input, options(preset))).findings.map((f) => [f.rule, f.package]);

describe('SDKs that pulumi package add generated (Pulumi.yaml "packages", file:sdks/<name>)', () => {
  it('knows a file: path to a folder directly in the sdks/ folder of the package, and nothing else', () => {
    for (const spec of ['file:sdks/vpc', 'file:./sdks/vpc/', 'file:sdks\\vpc', 'file:sdks/pulumi-vpc']) assert.equal(isGeneratedSdkSpec(spec), true, spec);
    for (const spec of ['file:../sdks/vpc', 'file:sdks', 'file:sdks/vpc/nested', 'file:/abs/sdks/vpc', 'file:vendor/vpc', 'link:sdks/vpc', '^1.0.0'])
      assert.equal(isGeneratedSdkSpec(spec), false, spec);
  });

  it('asks no registry range of one, counts it used where imported, and lets its lockfile link be, in either preset and lockfile version', async () => {
    for (const preset of ['current', 'pulumi-0.10'] as const)
      for (const version of [1, 3] as const) {
        const findings = await rulesAndPackages(sdkProgram({ '@pulumi/vpc': 'file:sdks/vpc' }, version), preset);
        // Under the 0.10 preset, @pulumi/pulumi 3 has findings of its own; none is about the SDK.
        assert.deepEqual(preset === 'current' ? findings : findings.filter(([, name]) => name === '@pulumi/vpc'), [], `${preset}, lockfile ${version}`);
      }
  });

  it('still flags a local folder outside sdks/, and an SDK no source imports (which fix leaves alone)', async () => {
    const input = sdkProgram({ '@pulumi/vpc': 'file:sdks/vpc', '@pulumi/unused': 'file:sdks/unused', '@pulumi/aws': 'file:../vendor/aws' });
    input.sources[0]!.text += 'import "@pulumi/aws";\n';
    const report = await checkProgram(input, options('current'));
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.package]),
      [
        ['lockfile-registry', '@pulumi/aws'],
        ['minimum-version', '@pulumi/aws'],
        ['strict-dependencies', '@pulumi/unused'],
      ],
    );
    const unused = report.findings.find((f) => f.package === '@pulumi/unused')!;
    assert.match(
      unused.message,
      /^"@pulumi\/unused" is listed in dependencies but no source file imports or requires it; remove it with its entry in Pulumi\.yaml's "packages"/,
    );
    const result = await fixProgram(input, options('current'));
    assert.equal(result.fixes.find((fix) => fix.file === '/p/package.json')?.after.includes('"@pulumi/unused": "file:sdks/unused"') ?? true, true);
    assert.match(
      result.notes.map((n) => n.note).join('\n'),
      /@pulumi\/unused: "file:sdks\/unused" is an SDK that pulumi package add generated: remove it by hand/,
    );
  });

  it('keeps its spec when fix moves it out of devDependencies under pulumi-0.10; under current, a notice that fix leaves alone', async () => {
    const input = sdkProgram({});
    input.packageJson.text = JSON.stringify(
      { name: 'network', dependencies: { '@pulumi/pulumi': '^3.113.0' }, devDependencies: { '@pulumi/vpc': 'file:sdks/vpc' } },
      null,
      2,
    );
    const after = (await fixProgram(input, options('pulumi-0.10'))).fixes.find((fix) => fix.file === '/p/package.json')!.after;
    assert.deepEqual(JSON.parse(after).dependencies['@pulumi/vpc'], 'file:sdks/vpc');
    const current = await fixProgram(input, options('current'));
    assert.equal(current.fixes.length, 0);
    assert.deepEqual(
      current.left.filter((finding) => finding.rule === 'scoped-in-dependencies').map((finding) => [finding.severity, finding.package]),
      [['notice', '@pulumi/vpc']],
    );
  });
});

describe('isWorkspaceLink: a package of the workspace, local by design', () => {
  const link = (resolved: string) => ({ path: 'node_modules/@pulumi/crds', resolved, link: true, optional: false, where: [] });
  it('is a link to a package folder the lockfile records inside the project, with or without the protocol', () => {
    assert.equal(isWorkspaceLink(link('workspace:packages/crds'), ['', 'packages/crds']), true);
    assert.equal(isWorkspaceLink(link('packages/crds'), ['', 'packages/crds']), true);
    assert.equal(isWorkspaceLink(link('packages/other'), ['', 'packages/crds']), false, 'a folder the lockfile does not record');
    assert.equal(isWorkspaceLink(link('../vendor/crds'), ['', '../vendor/crds']), false, 'a folder outside the project');
    assert.equal(isWorkspaceLink({ ...link('packages/crds'), link: false }, ['', 'packages/crds']), false);
  });
});
