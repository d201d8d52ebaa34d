/**
 * A host's stand-ins for the toolkit (src/action/host.ts) are taken only by a host that imports the action and calls
 * run() naming the action's folder, as @github/local-action does; the runner, which starts dist/index.js as a process,
 * never loads a file beside the action, whatever the environment says.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { adoptHostToolkit } from '../src/action/host.js';
import { node24 } from './support/node24.js';
import { machinePath, runProcess } from './support/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let sandbox: string;
before(async () => {
  sandbox = await fs.mkdtemp(path.join(os.tmpdir(), 'host-toolkit-'));
});
after(() => fs.rm(sandbox, { recursive: true, force: true }));

describe('adoptHostToolkit', () => {
  it('takes nothing without TARGET_ACTION_PATH, or when it names a folder that does not hold the action', async () => {
    assert.deepEqual(await adoptHostToolkit({}), []);
    assert.deepEqual(await adoptHostToolkit({ TARGET_ACTION_PATH: sandbox }), []);
    assert.deepEqual(await adoptHostToolkit({ TARGET_ACTION_PATH: path.join(sandbox, 'missing') }), []);
  });

  it("takes core and cache from the node_modules of the action's own folder", async () => {
    // Here the files are the very modules the source already imports: nothing changes but what is reported.
    assert.deepEqual(await adoptHostToolkit({ TARGET_ACTION_PATH: root }), ['core', 'cache']);
  });
});

describe('the bundle with a stand-in planted beside it', () => {
  /** A copy of the action (action.yml, dist/) whose node_modules holds a core.js that marks its loading, then is @actions/core. */
  async function plantedAction(): Promise<{ action: string; marker: string }> {
    const action = path.join(sandbox, 'action');
    const marker = path.join(sandbox, 'stand-in-loaded');
    await fs.cp(path.join(root, 'dist'), path.join(action, 'dist'), { recursive: true });
    await fs.copyFile(path.join(root, 'action.yml'), path.join(action, 'action.yml'));
    const standIn = path.join(action, 'node_modules/@actions/core/lib/core.js');
    await fs.mkdir(path.dirname(standIn), { recursive: true });
    const realCore = pathToFileURL(path.join(root, 'node_modules/@actions/core/lib/core.js')).href;
    const marking = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'loaded');\n`;
    await fs.writeFile(standIn, `${marking}export * from ${JSON.stringify(realCore)};\n`);
    return { action, marker };
  }

  /** The runner's environment for a policy-only run of examples/today-program, with TARGET_ACTION_PATH naming the copy. */
  async function runnerEnv(action: string, name: string): Promise<Record<string, string>> {
    const temp = path.join(sandbox, name);
    const workspace = path.join(temp, 'repo');
    await fs.cp(path.join(root, 'examples/today-program'), workspace, { recursive: true });
    const files = Object.fromEntries(
      ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'].map((variable) => [variable, path.join(temp, variable)]),
    );
    await Promise.all(Object.values(files).map((file) => fs.writeFile(file, '')));
    return {
      PATH: machinePath(),
      HOME: temp,
      TMPDIR: temp,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      ...files,
      INPUT_INSTALL: 'false',
      INPUT_CACHE: 'false',
      TARGET_ACTION_PATH: action,
    };
  }

  it('the runner starts dist/index.js: the stand-in is never loaded', async () => {
    const { action, marker } = await plantedAction();
    const env = await runnerEnv(action, 'runner');
    const run = await runProcess(node24(), [path.join(action, 'dist/index.js')], { cwd: env.GITHUB_WORKSPACE!, env, timeoutMs: 60_000 });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    await assert.rejects(fs.access(marker), 'the file beside the action was not loaded');
    assert.match(await fs.readFile(env.GITHUB_OUTPUT!, 'utf8'), /violations/, 'outputs went to the runner’s file');
  });

  it('a host imports dist/index.js and calls run(): the stand-in is the core the action calls', async () => {
    const { action, marker } = await plantedAction();
    const env = await runnerEnv(action, 'host');
    const host = `const { run } = await import(${JSON.stringify(pathToFileURL(path.join(action, 'dist/index.js')).href)}); await run();`;
    const run = await runProcess(node24(), ['--input-type=module', '-e', host], { cwd: env.GITHUB_WORKSPACE!, env, timeoutMs: 60_000 });
    assert.equal(run.exitCode ?? 0, 0, run.stdout + run.stderr);
    assert.equal(await fs.readFile(marker, 'utf8'), 'loaded');
    assert.match(await fs.readFile(env.GITHUB_OUTPUT!, 'utf8'), /violations/, 'outputs went through the stand-in');
  });
});
