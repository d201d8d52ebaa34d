import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_KEY_LENGTH, MAX_MANAGER_NAME_LENGTH, MAX_PREFIX_LENGTH, computeCacheKeys } from '../src/cache/key.js';
import { PACKAGE_MANAGERS } from '../src/package-managers/index.js';
import type { CacheKeyInput } from '../src/cache/key.js';
import { ActionError } from '../src/util/errors.js';

const base: CacheKeyInput = {
  prefix: '',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: 'v20.11.1',
  programs: [
    {
      dir: '.',
      manager: { name: 'npm', version: '10.2.4\n' },
      lockfile: { name: 'package-lock.json', text: '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}}' },
      packageJson: '{"name":"root"}',
    },
    { dir: 'infra', manager: { name: 'npm', version: '10.2.4' }, packageJson: '{"name":"infra","dependencies":{"@pulumi/aws":"^0.10.0"}}' },
  ],
  installCommand: 'npm install',
  registryUrl: 'https://registry.npmjs.org/',
  links: ['pulumi'],
};

const keyOf = (change: Partial<CacheKeyInput>) => computeCacheKeys({ ...base, ...change }).primaryKey;
/** The key with every program's manager replaced. */
const keyWithManager = (manager: { name: string; version: string }, change: Partial<CacheKeyInput> = {}) =>
  keyOf({ ...change, programs: base.programs.map((program) => ({ ...program, manager })) });

test('builds <prefix->setup-pulumi-npm-<os>-<arch>-node<major>-npm<major>-<hash>, restore key without the hash', () => {
  const plain = computeCacheKeys(base);
  assert.match(plain.primaryKey, /^setup-pulumi-npm-linux-x64-node20-npm10-[0-9a-f]{64}$/);
  assert.deepEqual(plain.restoreKeys, ['setup-pulumi-npm-linux-x64-node20-npm10-']);
  assert.ok(plain.primaryKey.startsWith(plain.restoreKeys[0] ?? '-'));

  const prefixed = computeCacheKeys({ ...base, prefix: 'ci' });
  assert.equal(prefixed.primaryKey, `ci-${plain.primaryKey}`);
  assert.deepEqual(prefixed.restoreKeys, ['ci-setup-pulumi-npm-linux-x64-node20-npm10-']);
});

test('the hash follows every lockfile, package.json where there is no lockfile, the install command, the registry and the links', () => {
  const original = keyOf({});
  const changed = [
    keyOf({ programs: [{ ...base.programs[0]!, lockfile: { name: 'package-lock.json', text: '{"lockfileVersion":3,"packages":{}}' } }, base.programs[1]!] }),
    keyOf({ programs: [base.programs[0]!, { ...base.programs[1]!, packageJson: '{"name":"infra"}' }] }),
    keyOf({ programs: [base.programs[0]!] }),
    keyOf({ installCommand: 'npm ci' }),
    keyOf({ registryUrl: 'https://npm.example.test/' }),
    keyOf({ links: ['pulumi', '@pulumi/pulumi'] }),
  ];
  for (const key of changed) assert.notEqual(key, original);
  assert.equal(new Set(changed).size, changed.length);
});

test('a package.json next to a lockfile does not change the key; order of programs and links does not either', () => {
  const original = keyOf({});
  assert.equal(keyOf({ programs: [{ ...base.programs[0]!, packageJson: '{"name":"renamed"}' }, base.programs[1]!] }), original);
  assert.equal(keyOf({ programs: [...base.programs].reverse() }), original);
  assert.equal(keyOf({ links: ['b', 'a'] }), keyOf({ links: ['a', 'b', 'a'] }));
});

test('only the major versions of Node.js and npm and the platform are in the key', () => {
  assert.equal(keyWithManager({ name: 'npm', version: '10.9.1' }, { nodeVersion: 'v20.18.0' }), keyOf({}));
  assert.match(keyOf({ nodeVersion: 'v22.1.0' }), /-node22-npm10-/);
  assert.match(keyWithManager({ name: 'npm', version: '11.0.0' }), /-node20-npm11-/);
});

test("each program's manager and its major are in the key: the first program's names the restore key", () => {
  assert.match(keyWithManager({ name: 'pnpm', version: '10.34.9' }), /-node20-pnpm10-[0-9a-f]{64}$/);
  const mixed = keyOf({ programs: [base.programs[0]!, { ...base.programs[1]!, manager: { name: 'yarn', version: '1.22.22' } }] });
  assert.match(mixed, /-npm10-/);
  assert.notEqual(mixed, keyOf({}), "the second program's manager changes the hash");
  assert.notEqual(keyWithManager({ name: 'yarn', version: '1.22.22' }), keyWithManager({ name: 'yarn', version: '4.18.1' }));
  assert.match(keyOf({ platform: 'darwin', arch: 'arm64' }), /^setup-pulumi-npm-darwin-arm64-/);
});

test('a prefix of the longest length the settings accept keeps the key within 512 characters on any runner', () => {
  const longest = keyOf({
    prefix: 'x'.repeat(MAX_PREFIX_LENGTH),
    platform: 'android',
    arch: 'riscv64',
    nodeVersion: 'v999.0.0',
    programs: [{ ...base.programs[0]!, manager: { name: 'pnpm', version: '999.0.0' } }],
  });
  assert.equal(longest.length, MAX_KEY_LENGTH, 'the bound is exact');
  for (const { name } of PACKAGE_MANAGERS) assert.ok(name.length <= MAX_MANAGER_NAME_LENGTH, `${name} fits the bound`);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.match(readme, new RegExp(`\\| \`cache-key-prefix\` \\|.* at most ${MAX_PREFIX_LENGTH} characters`), "the README's inputs table states the bound");
});

test('an unreadable npm version is an ActionError naming it', () => {
  assert.throws(
    () => keyWithManager({ name: 'npm', version: 'not-a-version' }),
    (error: unknown) => error instanceof ActionError && /npm version "not-a-version"/.test(error.message),
  );
});

test("a workspace root's key follows its members' package.json (by folder, in any order); a program without members keeps its key", () => {
  const root = base.programs[0]!;
  const members = [
    { dir: 'packages/a', packageJson: '{"name":"a"}' },
    { dir: 'packages/b', packageJson: '{"name":"b"}' },
  ];
  const withMembers = (list: { dir: string; packageJson: string }[]) => keyOf({ programs: [{ ...root, members: list }] });
  const original = withMembers(members);
  assert.equal(withMembers([...members].reverse()), original);
  assert.notEqual(withMembers([members[0]!, { ...members[1]!, packageJson: '{"name":"b","dependencies":{"x":"1"}}' }]), original);
  assert.notEqual(withMembers([members[0]!]), original);
  assert.notEqual(withMembers([members[0]!, { ...members[1]!, dir: 'packages/c' }]), original);
  assert.equal(withMembers([]), keyOf({ programs: [root] }));
});
