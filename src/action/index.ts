import { HANDOFF_VARIABLE, takeToken, type Token } from '../token/handoff.js';
import { STATE } from './names.js';

// One bundle serves both entries of action.yml, as actions/checkout does: main's state tells post from main. The main
// step may replace its own process before anything else runs (token/handoff.ts: without the token and the runner's
// credentials, which it then keeps for the cache client alone), so this entry loads only what that needs, and the
// rest of the action after it: the first process image never pays for loading the whole bundle.
if (process.env[`STATE_${STATE.isPost}`] === 'true') {
  const { runPost } = await import('./post.js');
  await runPost();
} else {
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
