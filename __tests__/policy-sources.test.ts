import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProgram } from '../src/policy/index.js';
import { presetConfig } from '../src/policy/presets.js';
import { readNpmLockfile } from '../src/package-managers/npm/lockfile.js';
import type { ProgramInput } from '../src/policy/types.js';
import { checkFixture, inlineProgram, located, policyOptions } from './support/policy.js';

const MIGRATED = {
  dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.10.0', '@pulumi/cloud-aws': '^0.10.0' },
  peerDependencies: { pulumi: 'latest' },
};
/** A program that lists one scope package, and the linked package as its peer. */
const AWS_ONLY = { dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } };
const USES_CLOUD = { 'index.ts': 'import * as cloud from "@pulumi/cloud";\nimport * as aws from "@pulumi/aws";\n' };

describe('strict-dependencies', () => {
  it('flags the unused package (and undeclared-dependency the undeclared type import) in CommonJS and ESM mixed, and nothing the sources use', async () => {
    const report = await checkFixture('mixed');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'strict-dependencies', severity: 'error', file: 'mixed/package.json', line: 7, column: 5, package: '@pulumi/random' },
      { rule: 'undeclared-dependency', severity: 'error', file: 'mixed/src/types.d.ts', line: 2, column: 29, package: '@pulumi/pulumi-types' },
    ]);
    assert.match(report.findings[1]!.message, /is imported for its types only here but package\.json does not list it/);
    const usedBy = Object.fromEntries(report.packages.map((row) => [row.name, row.usedBy]));
    assert.deepEqual(usedBy['@pulumi/aws'], ['index.js', 'src/handler.mjs']);
    assert.deepEqual(usedBy['pulumi'], ['src/handler.mjs']);
    assert.deepEqual(usedBy['@pulumi/cloud-aws'], ['(implied by @pulumi/cloud (cloud:provider: aws in Pulumi.prod.yaml))']);
    assert.deepEqual(usedBy['@pulumi/pulumi-types'], ['src/types.d.ts (types only)']);
  });

  it('counts the linked package as used when any scope package is (it is their peer)', async () => {
    const program = inlineProgram(MIGRATED, USES_CLOUD);
    assert.deepEqual((await checkProgram(program, policyOptions())).findings, []);
    const withoutScope = inlineProgram({ peerDependencies: { pulumi: 'latest' } }, { 'a.ts': 'import "./b";' });
    assert.deepEqual(
      (await checkProgram(withoutScope, policyOptions())).findings.map((f) => [f.rule, f.package]),
      [['strict-dependencies', 'pulumi']],
    );
  });

  it('does not report unused packages when a source cannot be parsed, and says why', async () => {
    const program = inlineProgram(MIGRATED, { 'index.js': 'const = require("@pulumi/aws");' });
    const findings = (await checkProgram(program, policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.file, f.line, f.column]),
      [['strict-dependencies', 'warning', '/p/index.js', 1, 7]],
    );
    assert.match(findings[0]!.message, /cannot be parsed .*unused packages are not reported/);
  });

  it('does not report unused packages for a program without sources', async () => {
    assert.deepEqual((await checkProgram(inlineProgram(MIGRATED), policyOptions())).findings, []);
  });
});

describe('undeclared-dependency', () => {
  it('counts every import of a declaration file as a use of types only, type keyword or not', async () => {
    const program = inlineProgram(AWS_ONLY, {
      'index.ts': 'import * as aws from "@pulumi/aws";',
      'types.d.ts': 'import { Output } from "@pulumi/pulumi";\nexport declare function f(): Output<string>;',
      'more.d.mts': 'export { Input } from "@pulumi/pulumi";',
    });
    const report = await checkProgram(program, policyOptions());
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.file]),
      [['undeclared-dependency', '/p/types.d.ts']],
    );
    assert.match(report.findings[0]!.message, /"@pulumi\/pulumi" is imported for its types only here \(and in 1 other file\)/);
    assert.deepEqual(report.packages.find((row) => row.name === '@pulumi/pulumi')?.usedBy, [
      'types.d.ts (types only)',
      'more.d.mts (types only)',
      '(used by the Pulumi run time: the program uses @pulumi/aws)',
    ]);
  });

  it('reports an undeclared package once, at its first use, counting the other files', async () => {
    const program = inlineProgram(AWS_ONLY, {
      'a.ts': 'import * as aws from "@pulumi/aws";\n\nimport { x } from "@pulumi/cloud/sub";',
      'b.ts': 'import * as aws from "@pulumi/aws";\nconst c = require("@pulumi/cloud");',
      'c.ts': 'import * as aws from "@pulumi/aws";\nimport("@pulumi/cloud");',
    });
    const findings = (await checkProgram(program, policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.file, f.line, f.column]),
      [['undeclared-dependency', '/p/a.ts', 3, 19]],
    );
    assert.match(
      findings[0]!.message,
      /"@pulumi\/cloud" is loaded here \(and in 2 other files\) but package\.json does not list it; add "@pulumi\/cloud": "\^0\.10\.0" to "dependencies"\./,
    );
  });

  it('leaves a linked package that is missing to linked-peer, once', async () => {
    const program = inlineProgram(
      { dependencies: { '@pulumi/aws': '^0.10.0' } },
      { 'a.ts': 'import * as pulumi from "pulumi";\nimport * as aws from "@pulumi/aws";' },
    );
    assert.deepEqual(
      (await checkProgram(program, policyOptions())).findings.map((f) => f.rule),
      ['linked-peer'],
    );
  });
});

describe('implied uses', () => {
  const stack = (text: string, name = 'Pulumi.dev.yaml') => ({ path: `/p/${name}`, text });

  it('@pulumi/cloud implies @pulumi/cloud-aws when a stack picks aws, or when no stack says', async () => {
    for (const stackConfigs of [
      [stack('config:\n  cloud:provider: aws\n')],
      [stack('config:\n  cloud:config:provider: aws\n')],
      [],
      [stack('config:\n  aws:region: us-east-1\n')],
    ]) {
      const program = { ...inlineProgram(MIGRATED, USES_CLOUD), stackConfigs };
      assert.deepEqual((await checkProgram(program, policyOptions())).findings, [], JSON.stringify(stackConfigs));
    }
  });

  it('reads the key in its spelling before Pulumi 0.11 too (cloud:config:provider)', async () => {
    const program = { ...inlineProgram(MIGRATED, USES_CLOUD), stackConfigs: [stack('config:\n  cloud:config:provider: aws\n')] };
    const report = await checkProgram(program, policyOptions());
    assert.deepEqual(report.packages.find((row) => row.name === '@pulumi/cloud-aws')?.usedBy, [
      '(implied by @pulumi/cloud (cloud:provider: aws in Pulumi.dev.yaml))',
    ]);
  });

  it('does not imply it when the stacks pick another provider, and says so', async () => {
    for (const key of ['cloud:provider', 'cloud:config:provider']) {
      const program = { ...inlineProgram(MIGRATED, USES_CLOUD), stackConfigs: [stack(`config:\n  ${key}: azure\n`, 'Pulumi.prod.yaml')] };
      const findings = (await checkProgram(program, policyOptions())).findings;
      assert.deepEqual(
        findings.map((f) => [f.rule, f.package, f.line]),
        [['strict-dependencies', '@pulumi/cloud-aws', 5]],
        key,
      );
      assert.match(findings[0]!.message, /@pulumi\/cloud loads it only when a stack sets cloud:provider to aws, and the stacks set azure/);
    }
  });

  it('does not imply it when @pulumi/cloud is not used', async () => {
    const program = inlineProgram(MIGRATED, { 'index.ts': 'import * as aws from "@pulumi/aws";' });
    assert.deepEqual(
      (await checkProgram(program, policyOptions())).findings.map((f) => f.package),
      ['@pulumi/cloud', '@pulumi/cloud-aws'],
    );
  });

  it('follows the implied uses of the policy, with scope patterns', async () => {
    const options = policyOptions();
    options.config.impliedUses = [{ package: '@pulumi/cloud-aws', by: '@pulumi/*' }];
    const program = inlineProgram(MIGRATED, { 'index.ts': 'import * as aws from "@pulumi/aws";' });
    assert.deepEqual(
      (await checkProgram(program, options)).findings.map((f) => f.package),
      ['@pulumi/cloud'],
    );
  });
});

describe('consistent-versions', () => {
  it('warns on the package off the release line most packages are on', async () => {
    const program = inlineProgram(
      { dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.11.0', '@pulumi/cloud-aws': '~0.10.2' }, peerDependencies: { pulumi: 'latest' } },
      { 'index.ts': 'import "@pulumi/aws"; import "@pulumi/cloud";' },
    );
    const findings = (await checkProgram(program, policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.package, f.line, f.column]),
      [['consistent-versions', 'warning', '@pulumi/cloud', 4, 22]],
    );
    assert.match(findings[0]!.message, /is on release line 0\.11 while @pulumi\/aws, @pulumi\/cloud-aws are on 0\.10/);
  });

  it('moves the packages to the newest line when two lines have as many packages', async () => {
    // The older line comes first, so neither the order of the entries nor the oldest line can pass for the newest.
    const program = inlineProgram(
      {
        dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.11.0', '@pulumi/cloud-aws': '~0.10.2', '@pulumi/random': '^0.11.1' },
        peerDependencies: { pulumi: 'latest' },
      },
      { 'index.ts': 'import "@pulumi/aws"; import "@pulumi/cloud"; import "@pulumi/cloud-aws"; import "@pulumi/random";' },
    );
    const findings = (await checkProgram(program, policyOptions())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.package]),
      [
        ['consistent-versions', '@pulumi/aws'],
        ['consistent-versions', '@pulumi/cloud-aws'],
      ],
    );
    assert.match(findings[0]!.message, /is on release line 0\.10 while @pulumi\/cloud, @pulumi\/random are on 0\.11/);
  });

  it('passes packages on one line, and leaves ranges below the minimum to minimum-version', async () => {
    const program = inlineProgram(
      { dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/cloud': '^0.9.0' }, peerDependencies: { pulumi: 'latest' } },
      { 'index.ts': 'import "@pulumi/aws"; import "@pulumi/cloud";' },
    );
    assert.deepEqual(
      (await checkProgram(program, policyOptions())).findings.map((f) => f.rule),
      ['minimum-version'],
    );
  });
});

describe('consistent-versions under current', () => {
  const current = () => policyOptions(presetConfig('current'));
  const consistent = async (program: ProgramInput) => (await checkProgram(program, current())).findings.filter((f) => f.rule === 'consistent-versions');
  const uses = { 'index.ts': 'import "@pulumi/pulumi"; import "@pulumi/random"; import "@pulumi/aws";' };

  it("passes packages on release lines of their own (the SDK on 3, providers on 4 and 7): unrelated packages' majors are not compared", async () => {
    const program = inlineProgram({ dependencies: { '@pulumi/pulumi': '^3.113.0', '@pulumi/random': '^4.16.0', '@pulumi/aws': '^7.0.0' } }, uses);
    assert.deepEqual(await consistent(program), []);
  });

  it("warns where one package's ranges in two sections admit no common version, on the later entry, naming both", async () => {
    const program = inlineProgram(
      {
        dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0' },
        devDependencies: { '@pulumi/aws': '^6.0.0' },
        peerDependencies: { '@pulumi/pulumi': '>=3.100.0' },
      },
      uses,
    );
    const findings = await consistent(program);
    assert.deepEqual(
      findings.map((f) => [f.severity, f.package, f.file, f.line, f.column]),
      [['warning', '@pulumi/aws', '/p/package.json', 7, 20]],
    );
    assert.equal(
      findings[0]!.message,
      '"@pulumi/aws" is "^6.0.0" in devDependencies and "^7.0.0" in dependencies: no version meets both, yet one copy is installed for both; ' +
        'give the two sections one range, then run npm install.',
    );
  });

  it("warns on a workspace member's range that admits no version of the workspace root's range for the same package", async () => {
    const member = (name: string, manifest: object): ProgramInput => ({
      dir: `/p/packages/${name}`,
      packageJson: { path: `/p/packages/${name}/package.json`, text: JSON.stringify(manifest, null, 2) },
      sources: [{ path: `/p/packages/${name}/index.ts`, text: 'import "@pulumi/pulumi"; import "@pulumi/random";' }],
    });
    const program: ProgramInput = {
      ...inlineProgram({ workspaces: ['packages/*'], devDependencies: { '@pulumi/pulumi': '^3.0.0' } }),
      workspaces: [
        member('old', { dependencies: { '@pulumi/pulumi': '^2.0.0', '@pulumi/random': '^4.0.0' } }),
        member('new', { dependencies: { '@pulumi/pulumi': '^3.100.0', '@pulumi/random': '^4.0.0' } }),
      ],
    };
    const findings = await consistent(program);
    assert.deepEqual(
      findings.map((f) => [f.package, f.file, f.line]),
      [['@pulumi/pulumi', '/p/packages/old/package.json', 3]],
    );
    assert.match(
      findings[0]!.message,
      /^"@pulumi\/pulumi" is "\^2\.0\.0" in dependencies and "\^3\.0\.0" in devDependencies of the workspace root's package\.json: /,
    );
    assert.match(findings[0]!.message, /the workspace installs a second copy of it for this package/);
  });

  it('leaves a version the lockfile pins outside the range to lockfile-registry, which names the lockfile and its line', async () => {
    const program = {
      ...inlineProgram({ dependencies: { '@pulumi/pulumi': '^3.0.0' } }, { 'index.ts': 'import "@pulumi/pulumi";' }),
      lockfile: readNpmLockfile({
        path: '/p/package-lock.json',
        text: JSON.stringify(
          {
            lockfileVersion: 3,
            packages: {
              '': { dependencies: { '@pulumi/pulumi': '^3.0.0' } },
              'node_modules/@pulumi/pulumi': { version: '2.25.0', resolved: 'https://registry.npmjs.org/@pulumi/pulumi/-/pulumi-2.25.0.tgz' },
            },
          },
          null,
          2,
        ),
      }),
    };
    const findings = (await checkProgram(program, current())).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.package, f.file, f.line]),
      [['lockfile-registry', '@pulumi/pulumi', '/p/package-lock.json', 10]],
    );
    assert.match(
      findings[0]!.message,
      /^package-lock\.json is out of step with package\.json: it pins "@pulumi\/pulumi" at 2\.25\.0, outside package\.json's range/,
    );
  });
});

describe('@pulumi/pulumi, used by the run time', () => {
  const current = () => policyOptions(presetConfig('current'));
  const sdkOnly = { dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/random': '^4.0.0' } };
  const stackFile = (text: string) => ({ path: '/p/Pulumi.yaml', text });

  it('counts as used in a folder whose Pulumi.yaml has runtime nodejs, in either form', async () => {
    for (const text of ['name: p\nruntime: nodejs\n', 'name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n']) {
      const program = { ...inlineProgram(sdkOnly, { 'index.ts': 'export const x = 1;' }), stackConfigs: [stackFile(text)] };
      const report = await checkProgram(program, current());
      assert.deepEqual(
        report.findings.map((f) => [f.rule, f.package]),
        [['strict-dependencies', '@pulumi/random']],
      );
      assert.deepEqual(report.packages.find((row) => row.name === '@pulumi/pulumi')?.usedBy, ['(used by the Pulumi run time: Pulumi.yaml runtime nodejs)']);
    }
  });

  it('counts as used when the sources load a scope package, and not in a folder that is no Pulumi program', async () => {
    const usesRandom = inlineProgram(sdkOnly, { 'index.ts': 'import * as random from "@pulumi/random";' });
    assert.deepEqual((await checkProgram(usesRandom, current())).findings, []);
    const python = { ...inlineProgram(sdkOnly, { 'index.ts': 'export const x = 1;' }), stackConfigs: [stackFile('name: p\nruntime: python\n')] };
    assert.deepEqual(
      (await checkProgram(python, current())).findings.map((f) => f.package),
      ['@pulumi/pulumi', '@pulumi/random'],
    );
  });
});
