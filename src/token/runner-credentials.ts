/**
 * The runner's own credentials. The runner gives a JavaScript action the means to reach its services: the runtime
 * token and the cache service's addresses (write any cache entry of the repository), and with `id-token: write` the
 * OIDC request token and URL (mint OIDC tokens for cloud logins). A `run: npm ci` step never gets the runtime token,
 * and no install needs any of them, so no process the action starts gets them; the action keeps only what its cache
 * client reads (@actions/cache 6.3.0 reads these four from process.env at call time).
 */

/** Every variable of the runner's services: none reaches a process the action starts. */
const RUNNER_SERVICE_VARIABLES = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
] as const;
/** The secrets among them: a variable of any other name that holds one goes too. */
const SECRET_VARIABLES = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const;
/** What the cache client reads; the OIDC variables are dropped altogether (the action mints no OIDC token). */
const CACHE_CLIENT_VARIABLES: readonly string[] = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_URL', 'ACTIONS_CACHE_SERVICE_V2'];

/** The cache client's variables, by name. */
export type CacheClientCredentials = Record<string, string>;

/** The credentials the cache client needs, from an environment: the set variables among its four. */
export function cacheClientCredentials(env: NodeJS.ProcessEnv): CacheClientCredentials {
  return Object.fromEntries(CACHE_CLIENT_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}

/** Whether `value` (from the hand-off) is a set of cache client credentials and nothing else. */
export function isCacheClientCredentials(value: unknown): value is CacheClientCredentials {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([name, text]) => CACHE_CLIENT_VARIABLES.includes(name) && typeof text === 'string');
}

/** Whether an environment holds any of the runner's service variables (then the main step restarts without them). */
export function hasRunnerCredentials(env: NodeJS.ProcessEnv): boolean {
  return RUNNER_SERVICE_VARIABLES.some((name) => env[name]);
}

/** An environment for a process the action starts: no runner service variable, and no variable holding one's secret. */
export function withoutRunnerCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const secrets = new Set([...SECRET_VARIABLES.map((name) => env[name]), kept['ACTIONS_RUNTIME_TOKEN']].map((value) => value?.trim()).filter((value) => value));
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || (RUNNER_SERVICE_VARIABLES as readonly string[]).includes(name) || secrets.has(value.trim())) continue;
    clean[name] = value;
  }
  return clean;
}

let kept: CacheClientCredentials = {};

/**
 * Keeps the cache client's credentials where it reads them, process.env, but readable only by name: process.env
 * becomes a view that answers for them and never lists them, so every environment built from it (a spread, the
 * default of child_process, @actions/cache's own tar and zstd) is without them. The runner's service variables leave
 * the real environment. /proc/<pid>/environ shows the environment the process started with, which the hand-off
 * restart made without them (token/handoff.ts); on a platform without the restart they stay there.
 */
export function keepForCacheClientAlone(credentials: CacheClientCredentials): void {
  const installed = Object.keys(kept).length > 0;
  kept = { ...credentials };
  for (const name of RUNNER_SERVICE_VARIABLES) delete process.env[name];
  if (installed || Object.keys(kept).length === 0) return;
  const isKept = (name: string | symbol): name is string => typeof name === 'string' && Object.hasOwn(kept, name);
  process.env = new Proxy(process.env, {
    get: (real, name) => (isKept(name) ? kept[name] : Reflect.get(real, name)),
    has: (real, name) => isKept(name) || Reflect.has(real, name),
    // An assignment (core.addPath's to PATH) is made on the real environment: through the view it would be a partial
    // definition, which process.env refuses with a TypeError. A runner service variable stays in the view alone.
    set: (real, name, value) => {
      if (typeof name === 'string' && (isKept(name) || RUNNER_SERVICE_VARIABLES.includes(name))) {
        kept[name] = String(value);
        return true;
      }
      return Reflect.set(real, name, value);
    },
  });
}
