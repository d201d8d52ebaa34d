import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixProgram } from '../src/fix/program.js';
import { MetadataError, registryMetadata, type MetadataReader, type VersionMetadata } from '../src/fix/registry-metadata.js';
import { presetConfig } from '../src/policy/presets.js';
import type { PolicyConfig } from '../src/policy/types.js';
import { inlineProgram, policyOptions } from './support/policy.js';
import { useHttpServer } from './support/servers.js';

/** A registry as a table: each package's versions and what each depends on. */
function table(packages: Record<string, Record<string, VersionMetadata>>): MetadataReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    packument(name) {
      asked.push(name);
      const versions = packages[name];
      return versions === undefined ? Promise.reject(new MetadataError(`the registry answered 404 for "${name}"`)) : Promise.resolve({ versions });
    },
  };
}

const onSdk = (range: string): VersionMetadata => ({ dependencies: { '@pulumi/pulumi': range } });

/** The releases of the 2.x era and after, as the registry lists them (what each asks of @pulumi/pulumi). */
const REGISTRY = {
  '@pulumi/pulumi': { '2.0.0': {}, '2.25.0': {}, '3.0.0': {}, '3.100.0': {} },
  '@pulumi/aws': { '3.0.0': onSdk('^2.0.0'), '3.38.0': onSdk('^2.17.0'), '4.0.0': onSdk('^3.0.0'), '4.38.0': onSdk('^3.0.0'), '5.0.0': onSdk('^3.0.0') },
  '@pulumi/kubernetes': { '2.7.0': onSdk('^2.0.0'), '2.9.1': onSdk('^2.15.0'), '3.0.0': onSdk('^3.0.0'), '3.1.0': onSdk('^3.0.0') },
  // As @pulumi/eks does: 0.x release lines, the SDK a peer.
  '@pulumi/eks': {
    '0.20.0': { peerDependencies: { '@pulumi/pulumi': '^2.0.0' } },
    '0.29.0': { peerDependencies: { '@pulumi/pulumi': '^2.0.0' } },
    '0.30.0': { peerDependencies: { '@pulumi/pulumi': '^3.0.0' } },
    '0.31.0': { peerDependencies: { '@pulumi/pulumi': '^3.0.0' } },
  },
  // A release line that already spans both majors: nothing to move.
  '@pulumi/random': { '2.0.0': onSdk('^2.0.0'), '2.4.0': onSdk('>=2.0.0 <4.0.0') },
};

const TWO_X = {
  name: 'two-x',
  dependencies: {
    '@pulumi/pulumi': '^2.0.0',
    '@pulumi/aws': '^3.0.0',
    '@pulumi/kubernetes': '^2.7.0',
    '@pulumi/eks': '^0.20.0',
    '@pulumi/random': '^2.0.0',
    '@pulumi/local': 'file:sdks/local',
  },
};
const SOURCES = {
  'index.ts': ['pulumi', 'aws', 'kubernetes', 'eks', 'random', 'local'].map((name) => `import "@pulumi/${name}";\n`).join(''),
};

/** The current preset as the user chose it, or as `auto` chose it (then its edits are suggestions). */
function current(detected = false): PolicyConfig {
  const config = presetConfig('current', detected ? 'default' : 'input');
  if (detected) config.presetEvidence = '@pulumi/pulumi ^2.0.0 in dependencies, no "pulumi" dependency or peer';
  return config;
}

describe('fix: @pulumi/pulumi to a new major moves the providers with it', () => {
  it('moves each provider to the first release line whose latest release supports the new major, and leaves the rest', async () => {
    const metadata = table(REGISTRY);
    const result = await fixProgram(inlineProgram(TWO_X, SOURCES), policyOptions(current()), { metadata });
    assert.deepEqual(result.fixes[0]?.changes, [
      '+ dependencies "@pulumi/pulumi": "^3.0.0"',
      '+ dependencies "@pulumi/aws": "^4.0.0"',
      '+ dependencies "@pulumi/kubernetes": "^3.0.0"',
      '+ dependencies "@pulumi/eks": "^0.30.0"',
    ]);
    assert.deepEqual(result.suggestions, []);
    assert.deepEqual(result.notes, []);
    assert.deepEqual(result.left, []);
    // A generated SDK is not looked up: Pulumi regenerates it.
    assert.ok(!metadata.asked.includes('@pulumi/local'));
  });

  it('shows the whole move as a suggestion, written nowhere, when preset auto chose the preset', async () => {
    const result = await fixProgram(inlineProgram(TWO_X, SOURCES), policyOptions(current(true)), { metadata: table(REGISTRY) });
    assert.deepEqual(result.fixes, []);
    assert.deepEqual(result.suggestions, [
      {
        file: '/p/package.json',
        changes: [
          '+ dependencies "@pulumi/pulumi": "^3.0.0"',
          '+ dependencies "@pulumi/aws": "^4.0.0"',
          '+ dependencies "@pulumi/kubernetes": "^3.0.0"',
          '+ dependencies "@pulumi/eks": "^0.30.0"',
        ],
      },
    ]);
  });

  it('writes nothing of the move when a provider has no release for the new major, and names it', async () => {
    const registry = { ...REGISTRY, '@pulumi/old': { '1.0.0': onSdk('^2.0.0'), '1.2.0': onSdk('^2.0.0') } };
    const manifest = { dependencies: { ...TWO_X.dependencies, '@pulumi/old': '^1.0.0' } };
    const result = await fixProgram(inlineProgram(manifest, { 'index.ts': `${SOURCES['index.ts']}import "@pulumi/old";\n` }), policyOptions(current()), {
      metadata: table(registry),
    });
    assert.deepEqual(result.fixes, []);
    assert.equal(result.notes.length, 1);
    assert.match(
      result.notes[0]!.note,
      /^@pulumi\/pulumi: not moved from "\^2\.0\.0" to "\^3\.0\.0": the other @pulumi packages must move with it, and no release of "@pulumi\/old" after \^1\.0\.0 supports @pulumi\/pulumi \^3\.0\.0 \(its release 1\.2\.0 asks for @pulumi\/pulumi \^2\.0\.0\); move them together by hand\.$/,
    );
    assert.ok(result.left.some((finding) => finding.rule === 'minimum-version' && finding.package === '@pulumi/pulumi'));
  });

  it('writes nothing of the move when the registry cannot be read, and says why', async () => {
    const { '@pulumi/kubernetes': _, ...withoutKubernetes } = REGISTRY;
    const result = await fixProgram(inlineProgram(TWO_X, SOURCES), policyOptions(current()), { metadata: table(withoutKubernetes) });
    assert.deepEqual(result.fixes, []);
    assert.match(result.notes[0]!.note, /and the registry answered 404 for "@pulumi\/kubernetes"; move them together by hand\.$/);
  });

  it('does not read the registry for a fix that keeps the major', async () => {
    const metadata = table({});
    const manifest = { dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^6.0.0', '@pulumi/awsx': '^2.0.0' } };
    const input = inlineProgram(manifest, { 'index.ts': 'import "@pulumi/pulumi";\nimport "@pulumi/aws";\n' });
    const result = await fixProgram(input, policyOptions(current()), { metadata });
    assert.deepEqual(result.fixes[0]?.changes, ['- dependencies "@pulumi/awsx"']);
    assert.deepEqual(metadata.asked, []);
  });
});

describe('fix: the registry metadata reader', () => {
  it('asks for the abbreviated packument by npm’s escaped name, with no token', async () => {
    const requests: { url: string | undefined; headers: Record<string, unknown> }[] = [];
    const server = await useHttpServer((request, response) => {
      requests.push({ url: request.url, headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: '@pulumi/aws', versions: { '4.0.0': onSdk('^3.0.0') } }));
    });
    const reader = registryMetadata(server.url);
    const packument = await reader.packument('@pulumi/aws');
    assert.deepEqual(packument.versions['4.0.0'], onSdk('^3.0.0'));
    await reader.packument('@pulumi/aws');
    assert.equal(requests.length, 1, 'an answer is kept');
    assert.equal(requests[0]!.url, '/@pulumi%2faws');
    assert.match(String(requests[0]!.headers['accept']), /^application\/vnd\.npm\.install-v1\+json/);
    assert.equal(requests[0]!.headers['authorization'], undefined);
  });

  it('says which package could not be read, and why', async () => {
    const closing = await useHttpServer((request) => request.socket.destroy());
    await assert.rejects(registryMetadata(closing.url).packument('@pulumi/aws'), (error: Error) => {
      assert.ok(error instanceof MetadataError);
      assert.match(error.message, /^"@pulumi\/aws" from http:\/\/127\.0\.0\.1:\d+ could not be read \(.+\)$/);
      return true;
    });
    const login = await useHttpServer((_, response) => response.writeHead(401).end());
    await assert.rejects(registryMetadata(login.url).packument('@pulumi/aws'), /answered 401 for "@pulumi\/aws" .*fix sends no token/);
    const html = await useHttpServer((_, response) => response.writeHead(200).end('<html></html>'));
    await assert.rejects(registryMetadata(html.url).packument('@pulumi/aws'), /is not package metadata/);
    const huge = await useHttpServer((_, response) => response.writeHead(200).end(JSON.stringify({ versions: {}, padding: 'x'.repeat(4096) })));
    await assert.rejects(registryMetadata(huge.url, 10_000, 1024).packument('@pulumi/aws'), /is larger than/);
  });

  it('gives up when the registry does not answer within its time', async () => {
    const silent = await useHttpServer(() => undefined);
    await assert.rejects(
      registryMetadata(silent.url, 200).packument('@pulumi/aws'),
      /^Error: reading "@pulumi\/aws" from http:\/\/127\.0\.0\.1:\d+ did not finish within 0\.2 s$/,
    );
  });
});

describe('fix: what a preset auto chose may write', () => {
  it('writes the edits every preset asks for (a second listing removed) and suggests the rest', async () => {
    const manifest = {
      dependencies: { '@pulumi/pulumi': '^3.0.0', '@pulumi/aws': '^6.0.0' },
      peerDependencies: { '@pulumi/aws': '^6.0.0' },
      devDependencies: { '@pulumi/random': '^4.0.0' },
    };
    const sources = { 'index.ts': 'import "@pulumi/pulumi";\nimport "@pulumi/aws";\nimport "@pulumi/random";\n' };
    const detected = presetConfig('pulumi-0.10');
    detected.presetEvidence = 'a test';
    const result = await fixProgram(inlineProgram(manifest, sources), policyOptions(detected), { metadata: table({}) });
    assert.deepEqual(result.fixes[0]?.changes, ['- peerDependencies "@pulumi/aws"']);
    assert.deepEqual(result.suggestions[0]?.changes, [
      '+ dependencies "@pulumi/random": "^4.0.0"',
      '- devDependencies "@pulumi/random"',
      '+ peerDependencies "pulumi": "latest"',
    ]);
  });
});
