import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { errorsOf, makeSandbox, runPolicyCheck, runSetup, warningsOf, type Sandbox } from './support/e2e.js';
import type { ActionRun, StepResult } from './support/runner.js';
import { useRegistry } from './support/servers.js';

// Programs as they are in public repositories today (issue 20): checked end to end by the bundled action.

/** Today's packages on the mirror, readable by anyone, as small stand-ins. */
const MIRROR_PACKAGES = [
  { name: '@pulumi/pulumi', version: '3.228.0' },
  { name: '@pulumi/aws', version: '7.23.0', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
];
const todayProgram = { name: 'today', version: '1.0.0', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^7.0.0' } };

const mirror = await useRegistry({ packages: MIRROR_PACKAGES, publicScope: true });
const sandboxes: Sandbox[] = [];
after(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.cleanup()));
});

async function todaySandbox(): Promise<Sandbox> {
  const sandbox = await makeSandbox({ '.': todayProgram });
  sandboxes.push(sandbox);
  await fs.promises.writeFile(path.join(sandbox.workspace, 'index.js'), 'const aws = require("@pulumi/aws");\nmodule.exports = { aws };\n');
  await fs.promises.writeFile(path.join(sandbox.workspace, 'Pulumi.yaml'), 'name: today\nruntime: nodejs\n');
  return sandbox;
}

/**
 * The lockfile a laptop commits: every entry resolves from https://registry.npmjs.org/, with the integrity of the
 * tarballs the mirror serves (the same packages, as a mirror of npm's registry holds them).
 */
async function lockfileFromNpmjs(): Promise<string> {
  const packages: Record<string, unknown> = { '': { name: todayProgram.name, version: todayProgram.version, dependencies: todayProgram.dependencies } };
  for (const { name, version, dependencies } of MIRROR_PACKAGES) {
    const packument = (await (await fetch(new URL(name.replace('/', '%2f'), mirror.url))).json()) as {
      versions: Record<string, { dist: { integrity: string } }>;
    };
    packages[`node_modules/${name}`] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name.split('/')[1]}-${version}.tgz`,
      integrity: packument.versions[version]!.dist.integrity,
      ...(dependencies ? { dependencies } : {}),
    };
  }
  return `${JSON.stringify({ name: todayProgram.name, version: todayProgram.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

/** A run under `current` (nothing routed, no token) whose only npm config is the user's ~/.npmrc in `home`. */
async function runWithUserConfig(sandbox: Sandbox, home: string): Promise<ActionRun> {
  return await runSetup(mirror, sandbox, {
    token: '',
    home,
    inputs: { preset: 'current', 'registry-url': '', 'link-path': '' },
    env: { NPM_CONFIG_REGISTRY: undefined },
  });
}

const lockfileFindings = (step: StepResult) => errorsOf(step).filter((command) => command.properties['title'] === 'lockfile-registry');

describe('a registry mirror in the user npm config, end to end', () => {
  it('installs a lockfile from registry.npmjs.org through the mirror, no finding; with replace-registry-host=never, names the host npm uses', async () => {
    const sandbox = await todaySandbox();
    await fs.promises.writeFile(path.join(sandbox.workspace, 'package-lock.json'), await lockfileFromNpmjs());
    const home = path.join(sandbox.root, 'home');
    await fs.promises.mkdir(home);
    await fs.promises.writeFile(path.join(home, '.npmrc'), `registry=${mirror.url}\n`);

    const run = await runWithUserConfig(sandbox, home);
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.deepEqual(lockfileFindings(run.main), []);
      // npm fetched the npmjs entries from the mirror (replace-registry-host=npmjs, its default), as the rule assumed.
      const installed = JSON.parse(fs.readFileSync(path.join(sandbox.workspace, 'node_modules/@pulumi/aws/package.json'), 'utf8'));
      assert.equal(installed.version, '7.23.0');
    } finally {
      await run.cleanup();
    }

    fs.rmSync(path.join(sandbox.workspace, 'node_modules'), { recursive: true });
    await fs.promises.appendFile(path.join(home, '.npmrc'), 'replace-registry-host=never\n');
    const never = await runWithUserConfig(sandbox, home);
    try {
      assert.equal(never.main.exitCode, 1);
      const host = new URL(mirror.url).host;
      const findings = lockfileFindings(never.main);
      assert.deepEqual(findings.map((command) => command.message.match(/resolves ("[^"]+")/)?.[1]).sort(), ['"@pulumi/aws"', '"@pulumi/pulumi"']);
      for (const finding of findings)
        assert.match(finding.message, new RegExp(`which npm fetches from registry\\.npmjs\\.org \\(replace-registry-host=never\\), not from http://${host}/;`));
      assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false, 'nothing installed');
    } finally {
      await never.cleanup();
    }
  });
});

describe('an SDK that pulumi package add generated, end to end', () => {
  it('passes the check: no registry range is asked of file:sdks/vpc, and its lockfile link is not flagged', async () => {
    const manifest = { name: 'network', version: '1.0.0', dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/vpc': 'file:sdks/vpc' } };
    const sandbox = await makeSandbox({ '.': manifest });
    sandboxes.push(sandbox);
    const files: Record<string, string> = {
      'index.js': 'const vpc = require("@pulumi/vpc");\nmodule.exports = { vpc };\n',
      'Pulumi.yaml':
        'name: network\nruntime: nodejs\npackages:\n  vpc:\n    source: terraform-module\n    version: 0.1.7\n' +
        '    parameters:\n      - terraform-aws-modules/vpc/aws\n      - 5.18.1\n      - vpc\n',
      'sdks/vpc/package.json': `${JSON.stringify({ name: '@pulumi/vpc', version: '0.0.0-dev', dependencies: { '@pulumi/pulumi': '^3.0.0' } })}\n`,
      'sdks/vpc/index.js': 'module.exports = {};\n',
      'package-lock.json': `${JSON.stringify(
        {
          name: 'network',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: {
            '': manifest,
            'node_modules/@pulumi/pulumi': { version: '3.228.0', resolved: 'https://registry.npmjs.org/@pulumi/pulumi/-/pulumi-3.228.0.tgz' },
            'node_modules/@pulumi/vpc': { resolved: 'sdks/vpc', link: true },
            'sdks/vpc': { name: '@pulumi/vpc', version: '0.0.0-dev', dependencies: { '@pulumi/pulumi': '^3.0.0' } },
          },
        },
        null,
        2,
      )}\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      await fs.promises.mkdir(path.dirname(path.join(sandbox.workspace, file)), { recursive: true });
      await fs.promises.writeFile(path.join(sandbox.workspace, file), text);
    }
    const run = await runPolicyCheck(sandbox, { preset: 'current' });
    try {
      assert.equal(run.main.exitCode, 0, run.main.log);
      assert.deepEqual([...errorsOf(run.main), ...warningsOf(run.main)], []);
      assert.match(run.main.summary, /\| @pulumi\/vpc \| dependencies \| file:sdks\/vpc \| index\.js \| ok \|/);
    } finally {
      await run.cleanup();
    }
  });
});
