import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyConfig } from '../src/policy/config.js';
import { programPreset } from '../src/policy/preset-detect.js';

const manifest = (json: object) => ({ path: '/p/package.json', text: JSON.stringify(json, null, 2) });

describe('preset auto: the layout decides', () => {
  it('a pulumi dependency or peer is the 0.10 layout', () => {
    assert.deepEqual(programPreset(manifest({ dependencies: { '@pulumi/aws': '^0.10.0' }, peerDependencies: { pulumi: 'latest' } })), {
      name: 'pulumi-0.10',
      evidence: '"pulumi" in peerDependencies',
    });
    assert.equal(programPreset(manifest({ dependencies: { pulumi: '^0.10.0' } })).name, 'pulumi-0.10');
    assert.equal(programPreset(manifest({ devDependencies: { pulumi: '^3.0.0' } })).name, 'current', 'a devDependency is the CLI, not the 0.10 SDK');
  });

  it('@pulumi ranges that admit only 0.x releases are the 0.10 layout; a range that reaches 1.0 is not', () => {
    const zero = programPreset(manifest({ dependencies: { '@pulumi/cloud': '~0.10.0' } }));
    assert.deepEqual(zero, { name: 'pulumi-0.10', evidence: '@pulumi/cloud ~0.10.0 in dependencies admits only 0.x releases' });
    assert.equal(programPreset(manifest({ dependencies: { '@pulumi/aws': '>=0.10.0' } })).name, 'current');
    assert.equal(programPreset(manifest({ dependencies: { '@pulumi/cloud': '^0.10.0', '@pulumi/aws': '^0.10.0' } })).name, 'pulumi-0.10');
    // Today's packages start on 0.x too: beside @pulumi/pulumi at 1.0 or later, a 0.x one is today's layout.
    assert.equal(programPreset(manifest({ dependencies: { '@pulumi/docker-build': '^0.0.21', '@pulumi/pulumi': '^3.0.0' } })).name, 'current');
    assert.equal(programPreset(manifest({ dependencies: { '@pulumi/pulumi': '^2.0.0', '@pulumi/eks': '^0.20.0' } })).name, 'current');
    assert.equal(programPreset(manifest({ dependencies: { '@pulumi/pulumi': '^0.11.0', '@pulumi/aws': '^0.11.0' } })).name, 'pulumi-0.10');
  });

  it("today's layout is current, with the SDK's range as evidence", () => {
    assert.deepEqual(programPreset(manifest({ dependencies: { '@pulumi/pulumi': '^3.113.0', '@pulumi/random': '^4.0.0' } })), {
      name: 'current',
      evidence: '@pulumi/pulumi ^3.113.0 in dependencies, no "pulumi" dependency or peer',
    });
    assert.equal(programPreset(manifest({})).evidence, 'no @pulumi package, no "pulumi" dependency or peer');
    assert.equal(programPreset({ path: '/p/package.json', text: '{ not json' }).name, 'current', 'a broken package.json is left to its own finding');
  });

  it('auto is the default and the policy file may name it; a named preset is never detected', async () => {
    const detect = () => ({ name: 'current' as const, evidence: 'the layout' });
    const byDefault = (await parsePolicyConfig(undefined, undefined, detect)).config!;
    assert.deepEqual([byDefault.preset, byDefault.presetOrigin, byDefault.presetEvidence], ['current', 'default', 'the layout']);
    const file = { path: '/r/policy.yml', text: 'preset: auto\n' };
    const fromFile = (await parsePolicyConfig(file, undefined, detect)).config!;
    assert.deepEqual([fromFile.preset, fromFile.presetOrigin, fromFile.presetEvidence], ['current', 'policy file', 'the layout']);
    const named = (await parsePolicyConfig(file, 'pulumi-0.10', detect)).config!;
    assert.deepEqual([named.preset, named.presetOrigin, named.presetEvidence], ['pulumi-0.10', 'input', undefined]);
  });
});
