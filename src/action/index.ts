import { takeToken, type Token } from '../token/handoff.js';

// One bundle serves both entries of action.yml, as actions/checkout does: main's state tells post from main. The main
// step may replace its own process before anything else runs (token-handoff.ts), so this entry loads only what that
// needs, and the rest of the action after it: the first process image never pays for loading the whole bundle.
if (process.env['STATE_isPost'] === 'true') {
  const { runPost } = await import('./post.js');
  await runPost();
} else {
  const token: Promise<Token> = takeToken(process.env);
  // A failure to hand the token over is reported by runMain, with the job's other failures.
  token.catch(() => {});
  await token.catch(() => undefined);
  const { runMain } = await import('./main.js');
  await runMain(process.env, token);
}
