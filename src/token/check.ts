import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { core } from '../action/toolkit.js';
import { HttpClient } from '@actions/http-client';
import { ActionError } from '../util/errors.js';
import { isPackageName } from '../util/package-name.js';
import { plural } from '../util/text.js';
import { certificateAdvice } from '../package-managers/network-failures.js';

export interface RegistryIdentity {
  username: string | undefined;
  /** The scope package whose read access was confirmed, when the programs list one. */
  checkedPackage: string | undefined;
}

export interface TokenCheckOptions {
  /** How long one request may take, answer and body, before it counts as no answer (default 15 s). */
  timeoutMs?: number;
  /** The wait before the second attempt; it doubles before each later one (default 500 ms). */
  backoffMs?: number;
  /** The longest wait between attempts, a registry's Retry-After included (default 10 s). */
  maxWaitMs?: number;
  /** Receives one line per retry (default: the job log). */
  log?: (message: string) => void;
}

/** What one GET brought back: an answer, or why none came (refused, reset, timed out). */
type Outcome = Answer | { failure: string };

interface Answer {
  status: number;
  body: string;
  contentType: string;
  retryAfter: string | undefined;
}

/** How many attempts a request took. */
interface Tally {
  attempts: number;
}
/** A request's last outcome, and how many attempts it took. */
type Reply = Outcome & Tally;

const ATTEMPTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** npm follows up to 10; a registry that needs more is misconfigured, and its last answer says so. */
const MAX_REDIRECTS = 10;
const WHOAMI = 'who the token belongs to';

/**
 * Asks the registry who the token belongs to (npm's whoami endpoint), then reads one scope package, so a token
 * that is valid but has no access fails here, in one line, rather than as an npm install log. Each request is
 * tried up to 3 times when the failure may pass (no answer, 5xx, 429); a 4xx answer is final.
 */
export async function checkToken(
  registryUrl: string,
  token: string,
  scopePackage: string | undefined,
  options: TokenCheckOptions = {},
): Promise<RegistryIdentity> {
  const limits: Required<TokenCheckOptions> = {
    timeoutMs: options.timeoutMs ?? 15_000,
    backoffMs: options.backoffMs ?? 500,
    maxWaitMs: options.maxWaitMs ?? 10_000,
    log: options.log ?? core.info,
  };
  const ask = async (path: string) => answered(await getWithRetries(new URL(path, registryUrl).toString(), token, limits), registryUrl);

  const whoami = await ask('-/whoami');
  let username: string | undefined;
  if (whoami.status === 200) {
    username = usernameOf(jsonOf(whoami, registryUrl, WHOAMI));
    if (!username) throw rejected(registryUrl, 'it knows no user for the token');
  } else if (whoami.status !== 404) {
    // 404: the registry has no whoami endpoint; the package read below still proves the token.
    throw statusError(whoami, registryUrl, WHOAMI);
  }
  if (scopePackage) {
    // npm's own rules, again at the edge: a name with path segments would send the token to other paths.
    if (!isPackageName(scopePackage)) throw new ActionError(`Token check: ${JSON.stringify(scopePackage)} is not an npm package name.`);
    const packument = await ask(scopePackage.replace('/', '%2f'));
    if (packument.status !== 200) throw statusError(packument, registryUrl, scopePackage);
    jsonOf(packument, registryUrl, scopePackage);
  }
  return { username, checkedPackage: scopePackage };
}

async function getWithRetries(url: string, token: string, limits: Required<TokenCheckOptions>): Promise<Reply> {
  for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
    const outcome = await getOnce(url, token, limits.timeoutMs);
    if (!isTransient(outcome)) return { ...outcome, attempts: attempt };
    const wait = waitAfter(attempt, outcome, limits);
    limits.log(`Token check: GET ${url} ${describe(outcome)}; retrying in ${seconds(wait)} (attempt ${attempt + 1} of ${ATTEMPTS}).`);
    await sleep(wait);
  }
  return { ...(await getOnce(url, token, limits.timeoutMs)), attempts: ATTEMPTS };
}

/** One GET with the token. Never rejects: a request with no answer within `timeoutMs` becomes a failure. */
async function getOnce(url: string, token: string, timeoutMs: number): Promise<Outcome> {
  // @actions/http-client honours the runner's https_proxy/no_proxy settings, as npm does. Its redirects keep the
  // token on another port of the same host, so they are followed here instead.
  const client = new HttpClient('setup-pulumi-npm', [], { socketTimeout: timeoutMs, allowRetries: false, allowRedirects: false });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ failure: `timed out after ${seconds(timeoutMs)}` }), timeoutMs);
  });
  const answer = getFollowingRedirects(client, url, token).catch((error: unknown) => ({
    failure: (error as NodeJS.ErrnoException).code ?? (error as Error).message,
  }));
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
    // Destroys the agent's sockets, so a request the deadline cut short stops too.
    client.dispose();
  }
}

/**
 * GET `url`, following redirects; the token goes only to the origin it was meant for (scheme, host and port), as a
 * browser keeps credentials to their origin. After MAX_REDIRECTS, the redirect itself is the answer.
 */
async function getFollowingRedirects(client: HttpClient, url: string, token: string): Promise<Answer> {
  const origin = new URL(url).origin;
  let target = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const authorization = target.origin === origin ? { authorization: `Bearer ${token}` } : {};
    const response = await client.get(target.toString(), { ...authorization, accept: 'application/json' });
    // Read the stream directly: readBody() never settles when the connection drops mid-body.
    const body = await text(response.message);
    const { headers, statusCode = 0 } = response.message;
    if (REDIRECT_STATUSES.has(statusCode) && headers.location && redirects < MAX_REDIRECTS) {
      target = new URL(headers.location, target);
      continue;
    }
    return { status: statusCode, body, contentType: headers['content-type'] ?? '', retryAfter: headers['retry-after'] };
  }
}

function isTransient(outcome: Outcome): boolean {
  if ('failure' in outcome) return !isCertificateFailure(outcome.failure);
  return outcome.status === 429 || outcome.status >= 500;
}

/** A certificate the action does not trust: asking again changes nothing. */
const isCertificateFailure = (failure: string): boolean => /CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)/.test(failure);

/** The registry's Retry-After (seconds or an HTTP date) when it sent one, else exponential backoff; capped. */
function waitAfter(attempt: number, outcome: Outcome, limits: Required<TokenCheckOptions>): number {
  const backoff = limits.backoffMs * 2 ** (attempt - 1);
  const retryAfter = 'failure' in outcome ? undefined : outcome.retryAfter?.trim();
  let asked: number | undefined;
  if (retryAfter && /^\d+$/.test(retryAfter)) asked = Number(retryAfter) * 1000;
  else if (retryAfter && !Number.isNaN(Date.parse(retryAfter))) asked = Math.max(0, Date.parse(retryAfter) - Date.now());
  return Math.min(asked ?? backoff, limits.maxWaitMs);
}

function describe(outcome: Outcome): string {
  return 'failure' in outcome ? `got no answer (${outcome.failure})` : `answered ${outcome.status}`;
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

function answered(reply: Reply, registryUrl: string): Answer & Tally {
  if ('failure' in reply && isCertificateFailure(reply.failure)) {
    throw new ActionError(`Token check: the TLS certificate of ${registryUrl} is not trusted (${reply.failure}). ${certificateAdvice(undefined)}`);
  }
  if ('failure' in reply) {
    throw new ActionError(
      `Token check: the registry ${registryUrl} is unreachable (${reply.failure}), after ${plural(reply.attempts, 'attempt')}. ` +
        `Check "registry-url", and that the runner can reach it (proxy, firewall, registry status).`,
    );
  }
  return reply;
}

/** The parsed body of a 200 answer; a body that is not JSON means the URL is not an npm registry. */
function jsonOf(answer: Answer, registryUrl: string, asked: string): unknown {
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    const what = /html/i.test(answer.contentType) ? 'an HTML page' : 'a body that is not JSON';
    throw new ActionError(
      `Token check: ${registryUrl} does not look like an npm registry: asked for ${asked}, ` +
        `it answered 200 with ${what} (a login page or a proxy, perhaps). Check "registry-url".`,
    );
  }
}

function usernameOf(parsed: unknown): string | undefined {
  const username = (parsed as { username?: unknown } | null)?.username;
  return typeof username === 'string' && username ? username : undefined;
}

function rejected(registryUrl: string, why: string): ActionError {
  return new ActionError(
    `Token check: the registry ${registryUrl} rejected the token (401, ${why}): it is wrong, expired or ` +
      `revoked. Create a new Pulumi access token and update the secret passed as "pulumi-access-token".`,
  );
}

function statusError(reply: Answer & Tally, registryUrl: string, asked: string): ActionError {
  if (reply.status === 401) return rejected(registryUrl, `when asked for ${asked}`);
  if (reply.status === 403) {
    return new ActionError(
      `Token check: the token is valid but has no access to ${asked} on ${registryUrl} ` +
        `(403). Use a token of an account or organization that may read the scope's packages.`,
    );
  }
  return new ActionError(
    `Token check: the registry ${registryUrl} answered ${reply.status} when asked for ${asked} ` +
      `(${plural(reply.attempts, 'attempt')}), so it is not usable now. Check "registry-url", or retry when the registry is up.`,
  );
}
