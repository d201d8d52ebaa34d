import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { checkProgram } from '../src/policy/index.js';
import { presetConfig } from '../src/policy/presets.js';
import type { PresetName } from '../src/policy/types.js';
import { ActionError } from '../src/util/errors.js';
import { packageFolderFor, projectsOfPackage } from '../src/program-files/program-folder.js';
import { readProgram } from '../src/program-files/read.js';
import { policyOptions, temporaryTree } from './support/policy.js';

const json = (value: object): string => JSON.stringify(value, null, 2);
const PROJECT = 'name: stack\nruntime: nodejs\n';

/** Reads the program in `root`/`dir` from a tree of files and checks it with `preset`: each finding as `rule package`. */
async function check(t: TestContext, files: Record<string, string>, dir = '.', preset: PresetName = 'current') {
  const root = await temporaryTree(t, files);
  const options = policyOptions(presetConfig(preset));
  const input = await readProgram(join(root, dir), options.config, { workspace: root });
  const report = await checkProgram(input, options);
  return { root, input, report, found: report.findings.map((f) => `${f.rule} ${f.package ?? '-'}`) };
}

/** A pnpm workspace: a stack with Pulumi.yaml and a library without one, whose @pulumi/pulumi is a peer. */
const WORKSPACE = {
  'package.json': json({ name: 'root', private: true }),
  'pnpm-workspace.yaml': 'packages:\n  - stacks/*\n  - lib\n',
  'stacks/web/Pulumi.yaml': PROJECT,
  'stacks/web/package.json': json({ name: 'web', dependencies: { '@pulumi/pulumi': '^3.100.0', lib: 'workspace:*' } }),
  'stacks/web/index.ts': 'import * as pulumi from "@pulumi/pulumi";\nimport "lib";\n',
  'lib/package.json': json({ name: 'lib', private: true, peerDependencies: { '@pulumi/pulumi': '^3.0.0' }, dependencies: { '@pulumi/command': '^1.0.0' } }),
  'lib/index.ts': 'import * as pulumi from "@pulumi/pulumi";\nimport * as random from "@pulumi/random";\n',
};

describe('a package that is not a Pulumi program', () => {
  it('a workspace library gets only the rules for every package, under the current preset', async (t) => {
    const { found } = await check(t, WORKSPACE);
    // No peer notice, no unused @pulumi/command: the library is not a program. Its undeclared import is still found.
    assert.deepEqual(found, ['undeclared-dependency @pulumi/random']);
  });

  it('the pulumi-0.10 preset checks every package as the documents do', async (t) => {
    const { found } = await check(t, WORKSPACE, '.', 'pulumi-0.10');
    assert.ok(found.includes('scoped-in-dependencies @pulumi/pulumi'), found.join('\n'));
    assert.ok(found.includes('strict-dependencies @pulumi/command'), found.join('\n'));
  });

  it('a working directory that names a package for others gets a notice naming it and why, and no program finding', async (t) => {
    const { report, root } = await check(t, {
      'package.json': json({ name: '@acme/cloud-lib', version: '1.0.0', types: 'bin/index.d.ts', peerDependencies: { '@pulumi/pulumi': '^3.0.0' } }),
      'index.ts': 'export const x = 1;\n',
    });
    assert.equal(report.findings.length, 1);
    const [notice] = report.findings;
    assert.equal(notice!.rule, 'program');
    assert.equal(notice!.severity, 'notice');
    assert.equal(notice!.file, join(root, 'package.json'));
    assert.match(
      notice!.message,
      /^"@acme\/cloud-lib" \(.+\) is not checked as a Pulumi program: it has no Pulumi\.yaml and is a package for others \("private" is not true; it declares "types"\)/,
    );
  });

  it('a package whose Pulumi programs below have package.json files of their own is not one', async (t) => {
    const { found, report } = await check(
      t,
      {
        'iac/package.json': json({ devDependencies: { '@pulumi/aws': '^6.0.0', '@pulumi/pulumi': '^3.0.0' } }),
        'iac/auth/package.json': json({ name: 'auth', main: 'src/index.ts', dependencies: { '@pulumi/aws': '^6.0.0' } }),
        'iac/auth/Pulumi.yaml': PROJECT,
        'iac/auth/src/index.ts': 'import "@pulumi/aws";\n',
      },
      'iac',
    );
    assert.deepEqual(found, ['program -']);
    assert.match(
      report.findings[0]!.message,
      /^The package in iac is not checked as a Pulumi program: .*the Pulumi programs below it \(auth\/Pulumi\.yaml\) each have their own package\.json/,
    );
  });

  it('a Pulumi program below in a package.json that installs nothing is a program of this package (Node resolves up the tree)', async (t) => {
    const { found, input } = await check(
      t,
      {
        'iac/package.json': json({ dependencies: { '@pulumi/aws': '^6.0.0', '@pulumi/pulumi': '^3.0.0' } }),
        'iac/auth/package.json': json({ name: 'auth', main: 'src/index.ts' }),
        'iac/auth/Pulumi.yaml': PROJECT,
        'iac/auth/src/index.ts': 'import "@pulumi/aws";\n',
      },
      'iac',
    );
    assert.equal(input.projects?.own.length, 1);
    assert.deepEqual(found, []);
  });

  it('a folder with no Pulumi.yaml anywhere and nothing for others is still checked as a program', async (t) => {
    const { found } = await check(t, { 'package.json': json({ name: 'p', main: 'index.js', dependencies: { '@pulumi/aws': '^6.0.0' } }), 'index.js': '' });
    assert.deepEqual(found, ['strict-dependencies @pulumi/aws']);
  });
});

describe('a Pulumi.yaml below its package.json', () => {
  const TREE = {
    'infra/package.json': json({ name: 'infra', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/cloud': '^0.40.0', '@pulumi/cloud-aws': '^0.40.0' } }),
    'infra/pulumi/Pulumi.yaml': PROJECT,
    'infra/pulumi/Pulumi.dev.yaml': 'config:\n  cloud:provider: aws\n',
    'infra/pulumi/index.ts': 'import * as cloud from "@pulumi/cloud";\n',
  };

  it('is a program of that package: its stack files are read (implied uses), and no finding is made', async (t) => {
    const { input, found, root } = await check(t, TREE, 'infra');
    assert.deepEqual(
      (input.stackConfigs ?? []).map((file) => file.path),
      [join(root, 'infra/pulumi/Pulumi.dev.yaml'), join(root, 'infra/pulumi/Pulumi.yaml')],
    );
    assert.deepEqual(input.projects?.own, [join(root, 'infra/pulumi/Pulumi.yaml')]);
    assert.deepEqual(found, []);
  });

  it('the search below is bounded in depth and follows no symbolic link', async (t) => {
    const root = await temporaryTree(t, {
      'package.json': json({ name: 'p' }),
      'a/b/c/d/e/Pulumi.yaml': PROJECT,
      'elsewhere/Pulumi.yaml': PROJECT,
      'node_modules/x/Pulumi.yaml': PROJECT,
    });
    await symlink(join(root, 'elsewhere'), join(root, 'linked'), 'dir');
    await symlink(root, join(root, 'a/loop'), 'dir');
    assert.deepEqual(projectsOfPackage(root), { own: [join(root, 'elsewhere/Pulumi.yaml')], nested: [] });
  });

  it('a working directory naming the Pulumi.yaml folder reads the package above it', async (t) => {
    const root = await temporaryTree(t, TREE);
    assert.equal(packageFolderFor(join(root, 'infra/pulumi'), root), join(root, 'infra'));
    assert.equal(packageFolderFor(join(root, 'infra'), root), join(root, 'infra'));
  });

  it('with no package.json up the tree, the error names the folder relative to the workspace and what to do', async (t) => {
    const root = await temporaryTree(t, { 'infra/pulumi/Pulumi.yaml': PROJECT });
    await assert.rejects(readProgram(join(root, 'infra/pulumi'), presetConfig('current'), { workspace: root }), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(
        error.message,
        '"infra/pulumi" holds Pulumi.yaml but no package.json, in it or in a folder above it up to the workspace: ' +
          "add the program's package.json (npm init), or set working-directory to the folder that holds it.",
      );
      return true;
    });
  });
});

describe('import-case', () => {
  const TREE = {
    'package.json': json({ name: 'p', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/pulumiservice': '^0.20.0' } }),
    'Pulumi.yaml': PROJECT,
    'src/index.ts': 'import * as pulumi from "@pulumi/pulumi";\n\nimport * as service from "@pulumi/pulumiService";\n',
  };

  it('reports an import that names a listed package in another case, and nothing else about it', async (t) => {
    const { report, found, root } = await check(t, TREE);
    assert.deepEqual(found, ['import-case @pulumi/pulumiservice']);
    const [finding] = report.findings;
    assert.equal(finding!.severity, 'error');
    assert.equal(finding!.file, join(root, 'src/index.ts'));
    assert.equal(finding!.line, 3);
    assert.equal(
      finding!.message,
      '"@pulumi/pulumiservice" is imported as "@pulumi/pulumiService" (src/index.ts line 3): this works only on a case-insensitive file system ' +
        '(macOS, Windows), and fails to load on Linux; import "@pulumi/pulumiservice".',
    );
  });

  it('an import as listed is no finding', async (t) => {
    const { found } = await check(t, { ...TREE, 'src/index.ts': 'import "@pulumi/pulumi";\nimport "@pulumi/pulumiservice";\n' });
    assert.deepEqual(found, []);
  });
});

describe('reading sources and lockfiles', () => {
  it('leaves out an XML document under a script extension (a Tiled tileset .tsx): no parse failure', async (t) => {
    const { input, found } = await check(t, {
      'package.json': json({ name: 'p', dependencies: { '@pulumi/pulumi': '^3.0.0' } }),
      'Pulumi.yaml': PROJECT,
      'index.ts': 'import "@pulumi/pulumi";\n',
      'public/tiles/Grass.tsx': '<?xml version="1.0" encoding="UTF-8"?>\n<tileset version="1.10" name="Grass">\n</tileset>\n',
    });
    assert.deepEqual(
      input.sources.map((file) => file.path.split('/').pop()),
      ['index.ts'],
    );
    assert.deepEqual(found, []);
  });

  it('a workspace member checked alone reads the root lockfile it installs from', async (t) => {
    const root = await temporaryTree(t, {
      'package.json': json({ name: 'root', private: true, workspaces: ['infra'] }),
      'package-lock.json': json({
        name: 'root',
        lockfileVersion: 3,
        packages: {
          '': { name: 'root', workspaces: ['infra'] },
          infra: { name: 'infra', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
          'node_modules/infra': { resolved: 'infra', link: true },
          'node_modules/@pulumi/pulumi': { version: '3.100.0', resolved: 'https://elsewhere.example.test/@pulumi/pulumi/-/pulumi-3.100.0.tgz' },
        },
      }),
      'infra/package.json': json({ name: 'infra', dependencies: { '@pulumi/pulumi': '^3.0.0' } }),
      'infra/Pulumi.yaml': PROJECT,
      'infra/index.ts': 'import "@pulumi/pulumi";\n',
    });
    const options = policyOptions(presetConfig('current'));
    const input = await readProgram(join(root, 'infra'), options.config, { workspace: root, lockfile: join(root, 'package-lock.json') });
    const report = await checkProgram(input, options);
    assert.deepEqual(
      report.findings.map((f) => `${f.rule} ${f.package ?? '-'}`),
      ['lockfile-registry @pulumi/pulumi'],
    );
    // Its rows are the program's own, not a workspace's.
    assert.deepEqual(
      report.packages.map((row) => [row.name, row.workspace]),
      [['@pulumi/pulumi', undefined]],
    );
  });
});
