// `npm start`: the action's main job, locally, on an embedded default: a Verdaccio registry on 127.0.0.1 that
// serves the @pulumi packages only with a token, the repository's example program, and the bundled dist/ run on
// Node 24 the way the Actions runner runs it (inputs, file commands, main then post).
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../__tests__/support/registry.js';
import { runAction, type StepResult } from '../__tests__/support/runner.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const programs = ['examples/aws-program', 'examples/cloud-program'];

const registry = await startRegistry();
const sandbox = await fs.mkdtemp(path.join(os.tmpdir(), 'setup-pulumi-npm-demo-'));
try {
  const workspace = path.join(sandbox, 'repo');
  await fs.cp(path.join(root, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  console.log(`Registry: ${registry.url} (the @pulumi scope needs a token; it has no "pulumi" package)`);
  console.log(`Workspace: ${workspace}\n`);
  const run = await runAction({
    workspace,
    inputs: {
      'pulumi-access-token': registry.tokens.ci,
      'registry-url': registry.url,
      'working-directory': programs.join('\n'),
      'link-path': 'examples/pulumi-sdk',
      cache: 'false',
    },
    env: {
      NPM_CONFIG_REGISTRY: registry.url,
      NPM_CONFIG_CACHE: path.join(sandbox, 'npm-cache'),
      NPM_CONFIG_PREFIX: path.join(sandbox, 'npm-prefix'),
    },
  });
  try {
    show('main', run.main);
    if (run.post) show('post', run.post);
    console.log('── job summary ──\n' + run.main.summary);
    process.exitCode = run.main.exitCode ?? 1;
  } finally {
    await run.cleanup();
  }
} finally {
  await registry.stop();
  await fs.rm(sandbox, { recursive: true, force: true });
}

function show(name: string, step: StepResult): void {
  console.log(`── ${name} step (exit ${step.exitCode}) ──`);
  console.log(asRunnerShowsIt(step.log));
  if (Object.keys(step.outputs).length) console.log('outputs:', step.outputs);
  console.log();
}

/** The log as the Actions UI shows it: groups as headings, the runner's own control lines hidden. */
function asRunnerShowsIt(log: string): string {
  return log
    .split('\n')
    .filter((line) => !/^::(stop-commands::|[0-9a-f-]{36}::$|endgroup::)/.test(line))
    .map((line) => line.replace(/^::group::(.*)$/, '▸ $1').replace(/^::(error|warning|notice)[^:]*::/, (_, kind: string) => `${kind.toUpperCase()}: `))
    .join('\n')
    .trimEnd();
}
