import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HANDOFF_VARIABLE, takeToken, takeTokenInProcess, type Token } from '../token/handoff.js';
import { STATE } from './names.js';

/**
 * The entry for a host that imports the action and calls run(), main then post, as @github/local-action does
 * (`local-action run . dist/index.js .env --post dist/index.js`): the state main saved tells the two apart, as on the
 * runner, and the host's stand-ins for the toolkit are used (host.ts).
 */
export async function run(): Promise<void> {
  const { adoptHostToolkit } = await import('./host.js');
  await adoptHostToolkit(process.env);
  const { core } = await import('./toolkit.js');
  if (core.getState(STATE.isPost) === 'true') {
    const { runPost } = await import('./post.js');
    await runPost();
    return;
  }
  const { runMain } = await import('./main.js');
  await runMain(process.env, Promise.resolve(takeTokenInProcess(process.env)));
}

/** Whether the runner started this file as the process (`node dist/index.js`), rather than a host imported it. */
function startedAsProcess(): boolean {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]!) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// One bundle serves both entries of action.yml, as actions/checkout does: main's state tells post from main. The main
// step may replace its own process before anything else runs (token/handoff.ts: without the token and the runner's
// credentials, which it then keeps for the cache client alone), so this entry loads only what that needs, and the
// rest of the action after it: the first process image never pays for loading the whole bundle.
async function runAsProcess(): Promise<void> {
  if (process.env[`STATE_${STATE.isPost}`] === 'true') {
    const { runPost } = await import('./post.js');
    await runPost();
    return;
  }
  const token: Promise<Token> = takeToken(process.env);
  // A failure to hand the token over is reported by runMain, with the job's other failures.
  token.catch(() => {});
  await token.catch(() => undefined);
  // The re-executed image was told where to collect the token by this variable; its socket is used up now. Removed
  // from this process's environment here, the one place that changes it, before anything else loads: no process
  // the action starts inherits it.
  delete process.env[HANDOFF_VARIABLE];
  const { runMain } = await import('./main.js');
  await runMain(process.env, token);
}

if (startedAsProcess()) await runAsProcess();
