import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { npmRegistryFor } from '../src/package-managers/npm/configured-registry.js';
import { NPM_DEFAULT_REGISTRY } from '../src/policy/registry-host.js';
import { temporaryTree } from './support/policy.js';

describe('npmRegistryFor (where npm resolves a scope the action does not route)', () => {
  it("takes the scope's own registry before the default one, from the environment, the program's .npmrc, then the user's", async (t) => {
    const root = await temporaryTree(t, {
      'program/.npmrc': '# project\nregistry = "https://project.example.test/npm"\n',
      'user.npmrc': '@pulumi:registry=https://${MIRROR_HOST}/pulumi/\nregistry=https://user.example.test/\n',
      'plain/package.json': '{}',
    });
    const env = { NPM_CONFIG_USERCONFIG: join(root, 'user.npmrc'), MIRROR_HOST: 'mirror.example.test' };
    const url = async (scope: string, dir: string, environment: NodeJS.ProcessEnv) => (await npmRegistryFor(scope, join(root, dir), environment)).url;
    assert.equal(await url('@pulumi', 'program', env), 'https://mirror.example.test/pulumi/');
    assert.equal(await url('@acme', 'program', env), 'https://project.example.test/npm/');
    assert.equal(await url('@acme', 'plain', env), 'https://user.example.test/');
    assert.equal(await url('@acme', 'program', { ...env, npm_config_registry: 'http://127.0.0.1:4873/' }), 'http://127.0.0.1:4873/');
    assert.equal(await url('@acme', 'plain', { NPM_CONFIG_USERCONFIG: join(root, 'none') }), NPM_DEFAULT_REGISTRY);
  });

  it("reads replace-registry-host (npm's default npmjs) and the default registry a replaced host becomes, not the scope's", async (t) => {
    const root = await temporaryTree(t, {
      'program/.npmrc': 'replace-registry-host=never\n',
      'user.npmrc': '@pulumi:registry=https://scoped.example.test/\nregistry=https://mirror.example.test/npm\n',
      'plain/package.json': '{}',
    });
    const env = { NPM_CONFIG_USERCONFIG: join(root, 'user.npmrc') };
    assert.deepEqual(await npmRegistryFor('@pulumi', join(root, 'plain'), env), {
      url: 'https://scoped.example.test/',
      hostReplacement: { replace: 'npmjs', registry: 'https://mirror.example.test/npm/' },
    });
    assert.equal((await npmRegistryFor('@pulumi', join(root, 'program'), env)).hostReplacement.replace, 'never');
    const always = await npmRegistryFor('@pulumi', join(root, 'program'), { ...env, npm_config_replace_registry_host: 'always' });
    assert.equal(always.hostReplacement.replace, 'always');
  });
  it('reads a lone carriage return as a line break and a double-quoted key or value as JSON, as npm does', async (t) => {
    const root = await temporaryTree(t, {
      'program/.npmrc': 'save-exact=true\r"@pulumi\\u003aregistry"="https://\\u0024{MIRROR_HOST}/x/"\n',
    });
    const configured = await npmRegistryFor('@pulumi', join(root, 'program'), { NPM_CONFIG_USERCONFIG: join(root, 'none'), MIRROR_HOST: 'm.example.test' });
    assert.equal(configured.url, 'https://m.example.test/x/');
  });
});
