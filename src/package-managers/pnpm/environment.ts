import { npmEnvironment, unsetByJob } from '../npm/npm.js';
import type { ProxyAccess } from '../types.js';

/**
 * pnpm's retries, tighter than npm's: pnpm fetches every tarball of the lockfile before it gives up, 16 at a time on
 * a runner, and each failed one waited out npm's bounded retries (1 s, then 2 s): 400 tarballs from a registry that
 * answers 500 took 71 s. One retry after half a second fails them within 13 s; a registry that blinks still gets its
 * second chance.
 */
const PNPM_RETRIES: Record<string, string> = {
  npm_config_fetch_retries: '1',
  npm_config_fetch_retry_mintimeout: '500',
  npm_config_fetch_retry_maxtimeout: '500',
};

/** npm's environment (pnpm reads .npmrc and npm_config_* as npm does), with pnpm's retries unless the job sets its own. */
export function pnpmEnvironment(base: NodeJS.ProcessEnv, access: ProxyAccess | undefined): NodeJS.ProcessEnv {
  return { ...npmEnvironment(base, access), ...unsetByJob(base, PNPM_RETRIES) };
}
