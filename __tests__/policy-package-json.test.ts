import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyPolicyMode, checkProgram, summaryRows } from '../src/policy/index.js';
import { readProgram } from '../src/program-files/read.js';
import { readNpmLockfile } from '../src/package-managers/npm/lockfile.js';
import type { Finding } from '../src/policy/types.js';
import { presetConfig } from '../src/policy/presets.js';
import { POLICY_FIXTURES, checkFixture, inlineProgram as inline, located, policyOptions } from './support/policy.js';

describe('real-world shapes', () => {
  it('fails a program written before 0.10 with one finding per offending entry', async () => {
    const report = await checkFixture('pre-0.10');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'scoped-in-dependencies', severity: 'error', file: 'pre-0.10/package.json', line: 13, column: 9, package: '@pulumi/aws' },
      { rule: 'scoped-in-dependencies', severity: 'error', file: 'pre-0.10/package.json', line: 14, column: 9, package: '@pulumi/cloud' },
      { rule: 'linked-peer', severity: 'warning', file: 'pre-0.10/package.json', line: 15, column: 19, package: 'pulumi' },
    ]);
    assert.match(report.findings[0]!.message, /move it to "dependencies" as "@pulumi\/aws": "\^0\.10\.0"/);
    assert.equal(report.findings[2]!.message, '"pulumi" is listed in peerDependencies as "*"; Pulumi\'s documents list it as "pulumi": "latest".');
    assert.equal(report.findings[0]!.endLine, 13);
    assert.equal(report.findings[0]!.endColumn, 27);
  });

  it('passes the same program migrated as the docs say', async () => {
    const report = await checkFixture('migrated');
    assert.deepEqual(report.findings, []);
    assert.deepEqual(
      report.packages.map((row) => [row.name, row.section, row.range, row.findings]),
      [
        ['@pulumi/aws', 'dependencies', '^0.10.0', []],
        ['@pulumi/cloud', 'dependencies', '^0.10.0', []],
        ['@pulumi/cloud-aws', 'dependencies', '^0.10.0', []],
        ['pulumi', 'peerDependencies', 'latest', []],
      ],
    );
  });

  it('reads a package.json with a byte order mark and CRLF line endings', async () => {
    const report = await checkFixture('crlf-bom');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'scoped-in-dependencies', severity: 'error', file: 'crlf-bom/package.json', line: 4, column: 5, package: '@pulumi/aws' },
    ]);
  });
});

describe('scoped-in-dependencies', () => {
  it('flags scope packages in every section but dependencies', async () => {
    const report = await checkFixture('scoped-in-dev');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'scoped-in-dependencies', severity: 'error', file: 'scoped-in-dev/package.json', line: 5, column: 5, package: '@pulumi/aws' },
      { rule: 'scoped-in-dependencies', severity: 'error', file: 'scoped-in-dev/package.json', line: 8, column: 7, package: '@pulumi/cloud' },
      { rule: 'scoped-in-dependencies', severity: 'error', file: 'scoped-in-dev/package.json', line: 10, column: 26, package: '@pulumi/cloud' },
    ]);
    assert.match(report.findings[0]!.message, /"@pulumi\/aws" is listed in devDependencies; move it to "dependencies" as "@pulumi\/aws": "\^0\.10\.1"/);
    assert.match(report.findings[1]!.message, /also listed in optionalDependencies; remove it from there/);
    assert.match(report.findings[2]!.message, /bundleDependencies, which packs it into the program's tarball/);
  });

  it('under current, a devDependency or a peer is a notice that says what the installs do, not an error; fix leaves it', async () => {
    const manifest = {
      dependencies: { '@pulumi/pulumi': '^3.0.0' },
      devDependencies: { '@pulumi/aws': '^7.0.0' },
      peerDependencies: { '@pulumi/random': '^4.0.0' },
      optionalDependencies: { '@pulumi/gcp': '^8.0.0' },
    };
    const source = { 'index.ts': 'import "@pulumi/aws";\nimport "@pulumi/random";\nimport "@pulumi/gcp";\n' };
    const current = await checkProgram(inline(manifest, source), policyOptions(presetConfig('current')));
    const placement = current.findings.filter((f) => f.rule === 'scoped-in-dependencies');
    assert.deepEqual(
      placement.map((f) => [f.severity, f.package]),
      [
        ['notice', '@pulumi/aws'],
        ['notice', '@pulumi/random'],
        ['error', '@pulumi/gcp'],
      ],
    );
    assert.match(placement[0]!.message, /^"@pulumi\/aws" is listed in devDependencies: every install .* a production install \(npm install --omit=dev/);
    assert.match(placement[1]!.message, /^"@pulumi\/random" is listed in peerDependencies: npm 7 and later, pnpm and bun install it .* yarn does not/);
    const strict = await checkProgram(inline(manifest, source), policyOptions(presetConfig('pulumi-0.10')));
    assert.deepEqual(
      strict.findings.filter((f) => f.rule === 'scoped-in-dependencies').map((f) => f.severity),
      ['error', 'error', 'error'],
      "the 0.10 preset keeps the documents' rule",
    );
  });

  it('flags a scope package the policy does not allow', async () => {
    const options = policyOptions();
    options.config.allowedPackages = ['@pulumi/aws'];
    const report = await checkProgram(
      inline({ dependencies: { '@pulumi/aws': '^0.10.0', '@pulumi/gcp': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } }),
      options,
    );
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.package, f.line]),
      [['scoped-in-dependencies', '@pulumi/gcp', 4]],
    );
    assert.match(report.findings[0]!.message, /not one of the packages the policy allows \(@pulumi\/aws\)/);
  });
});

describe('linked-peer', () => {
  it('flags a linked package missing from peerDependencies at the top of package.json', async () => {
    const report = await checkFixture('linked-missing');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'linked-peer', severity: 'error', file: 'linked-missing/package.json', line: 1, column: 1, package: 'pulumi' },
    ]);
    assert.match(report.findings[0]!.message, /add "pulumi": "latest" there/);
  });

  it('flags each entry that would install the linked package from the registry', async () => {
    const report = await checkFixture('linked-in-dependencies');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'linked-peer', severity: 'error', file: 'linked-in-dependencies/package.json', line: 5, column: 5, package: 'pulumi' },
      { rule: 'linked-peer', severity: 'error', file: 'linked-in-dependencies/package.json', line: 8, column: 5, package: 'pulumi' },
    ]);
    assert.match(report.findings[0]!.message, /move it to "peerDependencies" as "pulumi": "latest"/);
  });

  it('flags a linked package that is a peer and also a devDependency', async () => {
    const report = await checkFixture('linked-also-in-dev');
    assert.deepEqual(report.findings.map(located), [
      { rule: 'linked-peer', severity: 'error', file: 'linked-also-in-dev/package.json', line: 3, column: 24, package: 'pulumi' },
    ]);
    assert.match(report.findings[0]!.message, /keep the peerDependencies entry/);
  });

  it('points at the peerDependencies key when the section exists without the link', async () => {
    const report = await checkProgram(inline({ dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { other: '*' } }), policyOptions());
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.line, f.column]),
      [['linked-peer', 5, 3]],
    );
  });
});

describe('minimum-version', () => {
  it('flags ranges below the minimum and specs that do not come from the registry, on the value', async () => {
    const report = await checkFixture('minimum-version');
    assert.deepEqual(
      report.findings.filter((f) => f.rule === 'minimum-version').map((f) => [f.rule, f.package, f.line, f.column]),
      [
        ['minimum-version', '@pulumi/aws', 4, 20],
        ['minimum-version', '@pulumi/cloud', 5, 22],
        ['minimum-version', '@pulumi/cloud-aws', 6, 26],
        ['minimum-version', '@pulumi/azure', 7, 22],
        ['minimum-version', '@pulumi/gcp', 8, 20],
        ['minimum-version', '@pulumi/kubernetes', 9, 27],
        ['minimum-version', '@pulumi/openstack', 10, 26],
        ['minimum-version', 'aws-alias', 11, 18],
      ],
    );
    const messages = report.findings.filter((f) => f.rule === 'minimum-version').map((f) => f.message);
    assert.match(messages[0]!, /^"@pulumi\/aws": "\^0\.9\.0" admits versions from 0\.9\.0, below 0\.10\.0; .* use "@pulumi\/aws": "\^0\.10\.0"\.$/);
    assert.match(messages[2]!, /installs from a local folder instead of the registry/);
    assert.match(messages[3]!, /installs from a git repository instead of the registry/);
    assert.match(messages[4]!, /installs from a tarball URL instead of the registry/);
    assert.match(messages[5]!, /installs "kube-thing", a package outside @pulumi/);
    assert.match(messages[6]!, /admits versions from 0\.10\.0-rc\.1/);
  });

  it("takes the other managers' workspace: and catalog: specs as valid, asking no registry range of them", async () => {
    const program = inline(
      { dependencies: { '@pulumi/pulumi': 'catalog:', '@pulumi/crds': 'workspace:*', '@pulumi/aws': 'catalog:aws' } },
      { 'index.ts': 'import "@pulumi/crds";\nimport "@pulumi/aws";\n' },
    );
    const findings = (await checkProgram(program, policyOptions(presetConfig('current')))).findings;
    assert.deepEqual(
      findings.filter((f) => f.rule === 'minimum-version'),
      [],
    );
  });

  it('passes exact versions, bounded ranges and tags at or above the minimum', async () => {
    const report = await checkProgram(
      inline({
        dependencies: { '@pulumi/aws': '0.10.2', '@pulumi/cloud': '>=0.10.0 <0.11.0', '@pulumi/cloud-aws': 'latest' },
        peerDependencies: { pulumi: 'latest' },
      }),
      policyOptions(),
    );
    assert.deepEqual(report.findings, []);
  });

  it('reports an invalid spec as not a valid npm version spec', async () => {
    const report = await checkProgram(inline({ dependencies: { '@pulumi/aws': 'not valid!' }, peerDependencies: { pulumi: 'latest' } }), policyOptions());
    assert.deepEqual(
      report.findings.map((f) => f.rule),
      ['minimum-version'],
    );
    assert.match(report.findings[0]!.message, /is not a valid npm version spec \(Invalid tag name/);
  });
});

describe('package-json', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['malformed-trailing-comma', 5, 3, /a property name \(in double quotes\) is expected/],
    ['malformed-comment', 2, 3, /comments are not allowed/],
    ['malformed-duplicate', 5, 5, /Duplicate key "@pulumi\/aws"/],
    ['malformed-not-object', 1, 1, /must hold a JSON object/],
  ];
  for (const [fixture, line, column, message] of cases) {
    it(`reports ${fixture} at the error's position`, async () => {
      const report = await checkFixture(fixture);
      const problems = report.findings.filter((f) => f.rule === 'package-json');
      assert.deepEqual(problems.map(located), [{ rule: 'package-json', severity: 'error', file: `${fixture}/package.json`, line, column }]);
      assert.match(problems[0]!.message, message);
    });
  }

  it('reports sections and versions of the wrong type', async () => {
    const report = await checkFixture('malformed-types');
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.line, f.column]),
      [
        ['package-json', 2, 19],
        ['package-json', 3, 35],
      ],
    );
  });

  it('reports an empty package.json', async () => {
    const report = await checkProgram({ dir: '/p', packageJson: { path: '/p/package.json', text: '' }, sources: [] }, policyOptions());
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.line, f.column]),
      [['package-json', 1, 1]],
    );
  });
});

describe('presets', () => {
  it('current: @pulumi/pulumi is an ordinary dependency and nothing is linked', async () => {
    const program = inline({ dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^6.0.0' } });
    assert.deepEqual((await checkProgram(program, policyOptions(presetConfig('current')))).findings, []);
    const byDefault = (await checkProgram(program, policyOptions())).findings;
    assert.deepEqual(
      byDefault.map((f) => [f.rule, f.severity]),
      [
        ['preset', 'notice'],
        ['linked-peer', 'error'],
        ['consistent-versions', 'warning'],
      ],
    );
    assert.match(byDefault[0]!.message, /today's layout .*set "preset: current" \(the action's "preset" input, or "preset: current" in the policy file/);
    // A preset somebody chose gets no notice; neither does a 0.10 program.
    assert.equal((await checkProgram(program, policyOptions(presetConfig('pulumi-0.10', 'input')))).findings[0]!.rule, 'linked-peer');
    const old = inline({ dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } });
    assert.deepEqual((await checkProgram(old, policyOptions())).findings, []);
  });

  it('current: floors only @pulumi/pulumi (3.0.0); suggests ranges from the lockfile, else the floor, else npm install', async () => {
    const options = policyOptions(presetConfig('current'));
    const program = inline({ dependencies: { '@pulumi/pulumi': '^2.0.0', '@pulumi/docker-build': '^0.0.21', '@pulumi/aws': '^7.0.0' } });
    const findings = (await checkProgram(program, options)).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.package]),
      [['minimum-version', '@pulumi/pulumi']],
    );
    assert.match(
      findings[0]!.message,
      /admits versions from 2\.0\.0, below 3\.0\.0; the current preset supports @pulumi\/pulumi from 3\.0\.0 \("minimum-version" in the policy file\), so use "@pulumi\/pulumi": "\^3\.0\.0"/,
    );
    const lockfile = readNpmLockfile({
      path: '/p/package-lock.json',
      text: JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/@pulumi/pulumi': { version: '3.228.0' } },
      }),
    });
    const withLock = { ...program, lockfile };
    options.config.rules['lockfile-registry'] = 'off';
    assert.match((await checkProgram(withLock, options)).findings[0]!.message, /so use "@pulumi\/pulumi": "\^3\.228\.0"/);
    const undeclared = inline({ dependencies: { '@pulumi/pulumi': '^3.0.0' } }, { 'index.ts': 'import * as k8s from "@pulumi/kubernetes";' });
    assert.match((await checkProgram(undeclared, options)).findings[0]!.message, /add it to "dependencies" with npm install @pulumi\/kubernetes\./);
  });

  it('scope globs in "packages", "ignore.packages" and "implied" mean every package of the scope', async () => {
    const config = presetConfig('current');
    const listed = inline(
      { dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0', '@acme/tool': '^1.0.0' } },
      { 'index.ts': 'import "@acme/tool";' },
    );
    const program = { ...listed, stackConfigs: [{ path: '/p/Pulumi.yaml', text: 'name: p\nruntime: nodejs\n' }] };
    config.allowedPackages = ['@pulumi/*'];
    assert.deepEqual(
      (await checkProgram(program, policyOptions(config))).findings.map((f) => [f.rule, f.package]),
      [['strict-dependencies', '@pulumi/aws']],
    );
    config.impliedUses = [{ package: '@pulumi/*', by: '@acme/tool' }];
    assert.deepEqual((await checkProgram(program, policyOptions(config))).findings, []);
    config.impliedUses = [];
    config.ignorePackages = ['@pulumi/*'];
    assert.deepEqual((await checkProgram(program, policyOptions(config))).findings, []);
  });

  it("per-package floors and scope globs: the package's own key, else the longest glob, else the whole scope", async () => {
    const config = presetConfig('current');
    config.minimumVersions = { '*': '0.10.0', '@pulumi/*': '1.0.0', '@pulumi/aws': '6.0.0' };
    config.ignorePackages = ['@pulumi/legacy'];
    const program = inline({ dependencies: { '@pulumi/pulumi': '^0.17.0', '@pulumi/aws': '^5.0.0', '@pulumi/random': '^4.0.0', '@pulumi/legacy': '^0.1.0' } });
    assert.deepEqual(
      (await checkProgram(program, policyOptions(config))).findings.map((f) => [f.rule, f.package]),
      [
        ['minimum-version', '@pulumi/pulumi'],
        ['minimum-version', '@pulumi/aws'],
      ],
    );
  });

  it('rule levels: warn gives warnings, off gives nothing', async () => {
    const options = policyOptions();
    options.config.rules['scoped-in-dependencies'] = 'warn';
    const program = await readProgram(join(POLICY_FIXTURES, 'pre-0.10'), options.config);
    // A warning placement finding does not hide the error the same entry's range is.
    assert.deepEqual(
      (await checkProgram(program, options)).findings.map((f) => [f.rule, f.severity, f.package]),
      [
        ['scoped-in-dependencies', 'warning', '@pulumi/aws'],
        ['scoped-in-dependencies', 'warning', '@pulumi/cloud'],
        ['linked-peer', 'warning', 'pulumi'],
        ['minimum-version', 'error', '@pulumi/aws'],
        ['minimum-version', 'error', '@pulumi/cloud'],
      ],
    );
    options.config.rules['scoped-in-dependencies'] = 'off';
    options.config.rules['linked-peer'] = 'off';
    options.config.rules['minimum-version'] = 'off';
    assert.deepEqual((await checkProgram(program, options)).findings, []);
  });
});

describe('applyPolicyMode', () => {
  const findings: Finding[] = [
    { rule: 'linked-peer', severity: 'error', file: '/p/package.json', line: 1, column: 1, message: 'm' },
    { rule: 'consistent-versions', severity: 'warning', file: '/p/package.json', line: 2, column: 1, message: 'n' },
  ];
  it('keeps findings in error mode, downgrades in warn mode, drops them in off mode', () => {
    assert.deepEqual(applyPolicyMode(findings, 'error'), findings);
    assert.deepEqual(
      applyPolicyMode(findings, 'warn').map((f) => f.severity),
      ['warning', 'warning'],
    );
    assert.equal(findings[0]!.severity, 'error');
    assert.deepEqual(applyPolicyMode(findings, 'off'), []);
  });
});

describe('summaryRows', () => {
  it('renders a header and one row per package with its findings', async () => {
    const rows = summaryRows(await checkFixture('pre-0.10'));
    assert.deepEqual(rows, [
      ['Package', 'Listed in', 'Range', 'Used by', 'Findings'],
      ['@pulumi/aws', 'peerDependencies', '*', 'index.ts', 'scoped-in-dependencies'],
      ['@pulumi/cloud', 'peerDependencies', '*', 'index.ts', 'scoped-in-dependencies'],
      ['pulumi', 'peerDependencies', '*', 'index.ts', 'linked-peer'],
    ]);
  });
});
