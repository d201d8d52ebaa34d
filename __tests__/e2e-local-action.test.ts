/**
 * @github/local-action runs the action as the README documents: `local-action run . dist/index.js .env --post
 * dist/index.js`, the bundle the runner starts, with local-action's stand-ins for @actions/core (outputs, state,
 * summary) and @actions/cache (entries as files in LOCAL_ACTION_CACHE_PATH); and the TypeScript source the same way.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { node24 } from './support/node24.js';
import { machinePath, runProcess, type ProcessResult } from './support/process.js';
import { useRegistry } from './support/servers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const localAction = path.join(root, 'node_modules/@github/local-action/bin/local-action.js');
const registry = await useRegistry();

const TOKEN = `pul-${randomBytes(12).toString('hex')}`;
/** The program's postinstall: whether the token is in its environment, or in the initial environment of a process above it. */
const PROBE = `const fs = require('fs');
const token = ${JSON.stringify(TOKEN)};
const ancestors = [];
for (let pid = process.ppid, steps = 0; pid > 1 && steps < 50; steps++) {
  try { if (fs.readFileSync('/proc/' + pid + '/environ', 'latin1').includes(token)) ancestors.push(pid); } catch {}
  try { pid = Number(fs.readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1].split(' ')[1]); } catch { break; }
}
fs.writeFileSync('probe.json', JSON.stringify({ env: JSON.stringify(process.env).includes(token), ancestors }));
`;

let sandbox: string;
before(async () => {
  sandbox = await fs.mkdtemp(path.join(os.tmpdir(), 'local-action-'));
});
after(() => fs.rm(sandbox, { recursive: true, force: true }));

/** The outputs local-action prints in its closing table (`│ 0 │ 'cache-hit' │ 'true' │`). */
function outputsOf(stdout: string): Record<string, string> {
  const table = stdout.slice(stdout.lastIndexOf('Action Outputs'));
  return Object.fromEntries([...table.matchAll(/│ '([\w-]+)' +│ '([^']*)' +│/g)].map((match) => [match[1]!, match[2]!]));
}

/** One run of the documented command, main and post, with the machine's PATH led by Node.js 24 as on the runner. */
function runLocalAction(envFile: string, entry = 'dist/index.js'): Promise<ProcessResult> {
  const command = [localAction, 'run', '.', entry, envFile, '--post', entry];
  const home = path.join(sandbox, 'home');
  const env = { PATH: [path.dirname(node24()), machinePath()].join(path.delimiter), HOME: home, TMPDIR: path.join(sandbox, 'tmp') };
  return runProcess(node24(), command, { cwd: root, env, timeoutMs: 180_000 });
}

describe('@github/local-action', () => {
  it('runs the bundle, main and post, with its cache stub: a miss saves an entry, the next run restores it, outputs set; the source too', async () => {
    const workspace = path.join(sandbox, 'repo');
    const cacheDir = path.join(sandbox, 'cache');
    for (const dir of [workspace, cacheDir, path.join(sandbox, 'home'), path.join(sandbox, 'tmp'), path.join(sandbox, 'temp')]) {
      await fs.mkdir(dir, { recursive: true });
    }
    const manifest = { name: 'infra', version: '1.0.0', dependencies: { 'fixture-utils': '^1.0.0' }, scripts: { postinstall: 'node probe.js' } };
    await fs.writeFile(path.join(workspace, 'package.json'), JSON.stringify(manifest));
    await fs.writeFile(path.join(workspace, 'index.js'), 'module.exports = require("fixture-utils");\n');
    await fs.writeFile(path.join(workspace, 'probe.js'), PROBE);
    const envFile = path.join(sandbox, '.env');
    // What a developer's .env holds: no GITHUB_OUTPUT, GITHUB_STATE or GITHUB_STEP_SUMMARY (local-action keeps those).
    const variables = {
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: path.join(sandbox, 'temp'),
      LOCAL_ACTION_WORKSPACE: workspace,
      LOCAL_ACTION_CACHE_PATH: cacheDir,
      INPUT_PRESET: 'current',
      // The token as the README says to give it, and a copy under another name: neither may reach the install.
      'INPUT_PULUMI-ACCESS-TOKEN': TOKEN,
      ANOTHER_NAME: TOKEN,
      NPM_CONFIG_REGISTRY: registry.url,
      NPM_CONFIG_CACHE: path.join(sandbox, 'npm-cache'),
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_AUDIT: 'false',
      NPM_CONFIG_FUND: 'false',
    };
    await fs.writeFile(
      envFile,
      Object.entries(variables)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    );

    // A committed lockfile, so that both runs compute one key.
    const lock = await runProcess('npm', ['install', '--package-lock-only', '--ignore-scripts'], {
      cwd: workspace,
      env: { PATH: machinePath(), HOME: path.join(sandbox, 'home'), ...variables },
      timeoutMs: 60_000,
    });
    assert.equal(lock.exitCode, 0, lock.stderr);

    const first = await runLocalAction(envFile);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    const saved = (await fs.readdir(cacheDir)).filter((file) => file.endsWith('.cache'));
    assert.equal(saved.length, 1, `one entry saved in LOCAL_ACTION_CACHE_PATH\n${first.stdout}`);
    const missed = outputsOf(first.stdout);
    assert.equal(missed['cache-hit'], 'false', first.stdout);
    assert.ok(saved[0]!.startsWith(missed['cache-primary-key']!), `the entry ${saved[0]} is saved under the primary key`);
    assert.equal(missed['violations'], '0');
    assert.ok(missed['report'], 'the report output is set');

    const probed = JSON.parse(await fs.readFile(path.join(workspace, 'probe.json'), 'utf8')) as { env: boolean; ancestors: number[] };
    assert.deepEqual(probed, { env: false, ancestors: [] }, 'no environment of the install script or of a process above it holds the token');

    await fs.rm(path.join(workspace, 'node_modules'), { recursive: true });
    const second = await runLocalAction(envFile);
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    const hit = outputsOf(second.stdout);
    assert.equal(hit['cache-hit'], 'true', second.stdout);
    assert.equal(hit['cache-matched-key'], missed['cache-primary-key']);
    await fs.access(path.join(workspace, 'node_modules/fixture-utils/package.json'));

    // The TypeScript source, by the same command: its imports reach the stand-ins directly.
    await fs.rm(path.join(workspace, 'node_modules'), { recursive: true });
    const fromSource = await runLocalAction(envFile, 'src/action/index.ts');
    assert.equal(fromSource.exitCode, 0, fromSource.stdout + fromSource.stderr);
    assert.equal(outputsOf(fromSource.stdout)['cache-hit'], 'true', fromSource.stdout);
    await fs.access(path.join(workspace, 'node_modules/fixture-utils/package.json'));
    for (const run of [first, second, fromSource]) {
      assert.doesNotMatch(run.stdout, /Action Outputs[\s\S]*No outputs were set/);
      assert.doesNotMatch(run.stdout, /not available on this runner|GITHUB_STEP_SUMMARY\. Check|Could not write/);
      assert.match(run.stdout, /Running Post Step/);
    }
  });
});
