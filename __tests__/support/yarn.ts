import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathWithManager } from './managers.js';
import { machinePath, runProcess } from './process.js';

/** The two yarn generations the tests run: yarn 1 (classic) and yarn 4 (berry). */
export type YarnGeneration = 'yarn1' | 'yarn4';

/** Yarn 4 keeps versions back a day (npmMinimalAgeGate, also per scope): the test registry's are a moment old. */
const NO_AGE_GATE = 'npmMinimalAgeGate: 0\n';

/** A program's own yarn 2+ config: Pulumi needs node_modules; yarn 4 runs dependencies' scripts only when told. */
export const BERRY_PROJECT_RC = 'nodeLinker: node-modules\nenableScripts: true\n';

/** A user's ~/.yarnrc.yml for yarn 4 against the test registry, without any token. */
export function berryHomeRc(registryUrl: string): string {
  return `npmRegistryServer: "${registryUrl}"\n${NO_AGE_GATE}npmScopes:\n  pulumi:\n    ${NO_AGE_GATE}`;
}

/**
 * yarn.lock as yarn itself writes it for `manifest`, resolved against the test registry with the token in a home
 * config of its own under `scratch` (removed afterwards): what a repository commits. `extraEnv`: NODE_EXTRA_CA_CERTS
 * for an https registry.
 */
export async function yarnLockfile(
  generation: YarnGeneration,
  manifest: object,
  registryUrl: string,
  token: string,
  scratch: string,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const root = fs.mkdtempSync(path.join(scratch, `${generation}-lockfile-`));
  try {
    const [home, dir] = ['home', 'program'].map((name) => path.join(root, name));
    for (const folder of [home!, dir!]) fs.mkdirSync(folder);
    fs.writeFileSync(path.join(dir!, 'package.json'), JSON.stringify(manifest));
    if (generation === 'yarn4') fs.writeFileSync(path.join(dir!, '.yarnrc.yml'), BERRY_PROJECT_RC);
    const authHost = registryUrl.replace(/^https?:/, '');
    fs.writeFileSync(path.join(home!, '.npmrc'), `registry=${registryUrl}\n@pulumi:registry=${registryUrl}\n${authHost}:_authToken=${token}\n`);
    const scope = `npmScopes:\n  pulumi:\n    npmRegistryServer: "${registryUrl}"\n    npmAuthToken: "${token}"\n    ${NO_AGE_GATE}`;
    fs.writeFileSync(path.join(home!, '.yarnrc.yml'), `npmRegistryServer: "${registryUrl}"\n${NO_AGE_GATE}${scope}`);
    const env: Record<string, string> = {
      PATH: pathWithManager(generation, machinePath()),
      HOME: home!,
      TMPDIR: root,
      CI: 'true',
      YARN_ENABLE_TELEMETRY: '0',
      YARN_ENABLE_SCRIPTS: 'false',
      // Yarn 1 run by root keeps its cache in /usr/local/share whatever HOME says.
      ...(generation === 'yarn1' && { YARN_CACHE_FOLDER: path.join(root, 'yarn-cache') }),
      ...extraEnv,
    };
    const args = generation === 'yarn1' ? ['install', '--ignore-scripts'] : ['install', '--no-immutable'];
    const result = await runProcess('yarn', args, { cwd: dir!, env, timeoutMs: 120_000 });
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    return fs.readFileSync(path.join(dir!, 'yarn.lock'), 'utf8');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
