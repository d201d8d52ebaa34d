import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../src/cli/run.js';
import { isolatedNpmEnv, runNpm, type FixturePackage } from './support/fixtures.js';
import { temporaryTree } from './support/policy.js';
import { useHttpServer, useRegistry } from './support/servers.js';

const onSdk = (range: string) => ({ dependencies: { '@pulumi/pulumi': range } });

/** The releases of the 2.x era and the first of 3.x, each with the SDK range it asks for, as the registry lists them. */
const PACKAGES: FixturePackage[] = [
  { name: '@pulumi/pulumi', version: '2.25.0' },
  { name: '@pulumi/pulumi', version: '3.0.0' },
  { name: '@pulumi/aws', version: '3.38.0', ...onSdk('^2.17.0') },
  { name: '@pulumi/aws', version: '4.0.0', ...onSdk('^3.0.0') },
  { name: '@pulumi/kubernetes', version: '2.7.0', ...onSdk('^2.0.0') },
  { name: '@pulumi/kubernetes', version: '2.9.1', ...onSdk('^2.15.0') },
  { name: '@pulumi/kubernetes', version: '3.0.0', ...onSdk('^3.0.0') },
];

const registry = await useRegistry({ packages: PACKAGES, publicScope: true });

/** A Pulumi 2.x program whose .npmrc sends the scope to `registryUrl` (npm's config, as fix reads it). */
async function twoXProgram(t: Parameters<typeof temporaryTree>[0], registryUrl: string): Promise<string> {
  const manifest = { name: 'two-x', version: '1.0.0', dependencies: { '@pulumi/pulumi': '^2.0.0', '@pulumi/aws': '^3.0.0', '@pulumi/kubernetes': '^2.7.0' } };
  return await temporaryTree(t, {
    'two-x/package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'two-x/Pulumi.yaml': 'name: two-x\nruntime: nodejs\n',
    'two-x/index.js': 'require("@pulumi/pulumi");\nrequire("@pulumi/aws");\nrequire("@pulumi/kubernetes");\n',
    'two-x/.npmrc': `@pulumi:registry=${registryUrl}\n`,
  });
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(argv, { cwd, out: (text) => (out += text), err: (text) => (out += text), colour: false });
  return { code, out };
}

/** Every package.json of @pulumi/pulumi under node_modules, by its path relative to `dir`. */
function sdkCopies(dir: string, under = 'node_modules'): string[] {
  const folder = join(dir, under);
  if (!existsSync(folder)) return [];
  const copies: string[] = [];
  for (const name of readdirSync(folder)) {
    const names = name.startsWith('@') ? readdirSync(join(folder, name)).map((inner) => `${name}/${inner}`) : [name];
    for (const pkg of names) {
      if (pkg === '@pulumi/pulumi') copies.push(`${under}/${pkg}`);
      copies.push(...sdkCopies(dir, `${under}/${pkg}/node_modules`));
    }
  }
  return copies;
}

describe('fix: a 2.x program to @pulumi/pulumi 3, from a registry', () => {
  it('moves the providers with the SDK, and npm then installs one copy of @pulumi/pulumi', async (t) => {
    const root = await twoXProgram(t, registry.url);
    const run = await cli(root, 'fix', '--preset', 'current', 'two-x');
    assert.equal(run.code, 0, run.out);
    assert.equal(
      run.out,
      'Fixed two-x/package.json:\n' +
        '  + dependencies "@pulumi/pulumi": "^3.0.0"\n' +
        '  + dependencies "@pulumi/aws": "^4.0.0"\n' +
        '  + dependencies "@pulumi/kubernetes": "^3.0.0"\n' +
        'Now run "npm install" in two-x to install what package.json lists now.\n' +
        '0 errors, 0 warnings left.\n',
    );
    assert.equal((await cli(root, 'check', '--preset', 'current', 'two-x')).code, 0);
    const home = join(root, 'home');
    await mkdir(home);
    const install = await runNpm(['install'], { cwd: join(root, 'two-x'), env: isolatedNpmEnv(home) });
    assert.equal(install.exitCode, 0, install.stderr);
    assert.deepEqual(sdkCopies(join(root, 'two-x')), ['node_modules/@pulumi/pulumi']);
    assert.equal(JSON.parse(await readFile(join(root, 'two-x', 'node_modules/@pulumi/pulumi/package.json'), 'utf8')).version, '3.0.0');
  });

  it('writes nothing when the registry cuts the connection, and says which package it could not read', async (t) => {
    const closing = await useHttpServer((request) => request.socket.destroy());
    const root = await twoXProgram(t, closing.url);
    const before = await readFile(join(root, 'two-x', 'package.json'), 'utf8');
    const run = await cli(root, 'fix', '--preset', 'current', 'two-x');
    assert.equal(run.code, 1);
    assert.match(
      run.out,
      /^two-x\/package\.json: not fixed: @pulumi\/pulumi: not moved from "\^2\.0\.0" to "\^3\.0\.0": the other @pulumi packages must move with it, and "@pulumi\/aws" from http:\/\/127\.0\.0\.1:\d+ could not be read \(.+\); move them together by hand\.\nNothing to fix\.\n/,
    );
    assert.equal(await readFile(join(root, 'two-x', 'package.json'), 'utf8'), before);
  });
});
