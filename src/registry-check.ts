import { HttpClient } from '@actions/http-client';
import { ActionError } from './errors.js';

export interface RegistryIdentity {
  username: string | undefined;
  /** The scope package whose read access was confirmed, when the programs list one. */
  checkedPackage: string | undefined;
}

export interface RegistryAnswer {
  status: number;
  body: string;
}

/** Fetches a registry URL with the token; rejects only when no answer came back (refused, reset, timed out). */
export type RegistryFetch = (url: string, token: string) => Promise<RegistryAnswer>;

const TIMEOUT_MS = 15_000;

export const fetchWithToken: RegistryFetch = async (url, token) => {
  // @actions/http-client honours the runner's https_proxy/no_proxy settings, as npm does.
  const client = new HttpClient('setup-pulumi-npm', [], { socketTimeout: TIMEOUT_MS, allowRetries: false });
  try {
    const response = await client.get(url, { authorization: `Bearer ${token}`, accept: 'application/json' });
    return { status: response.message.statusCode ?? 0, body: await response.readBody() };
  } finally {
    client.dispose();
  }
};

/**
 * Asks the registry who the token belongs to (npm's whoami endpoint), then reads one scope package, so a token
 * that is valid but has no access fails here, in one line, rather than as an npm install log.
 */
export async function checkToken(registryUrl: string, token: string, scopePackage: string | undefined, fetch: RegistryFetch = fetchWithToken): Promise<RegistryIdentity> {
  const whoami = await ask(fetch, new URL('-/whoami', registryUrl).toString(), token, registryUrl);
  let username: string | undefined;
  if (whoami.status === 200) {
    username = usernameOf(whoami.body);
    if (!username) throw rejected(registryUrl, 'it knows no user for the token');
  } else if (whoami.status !== 404) {
    // 404: the registry has no whoami endpoint; the package read below still proves the token.
    throw statusError(whoami.status, registryUrl, 'who the token belongs to');
  }
  if (scopePackage) {
    const packument = await ask(fetch, new URL(scopePackage.replace('/', '%2f'), registryUrl).toString(), token, registryUrl);
    if (packument.status !== 200) throw statusError(packument.status, registryUrl, scopePackage);
  }
  return { username, checkedPackage: scopePackage };
}

async function ask(fetch: RegistryFetch, url: string, token: string, registryUrl: string): Promise<RegistryAnswer> {
  try {
    return await fetch(url, token);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ActionError(`Token check: the registry ${registryUrl} is unreachable (${reason}). Check "registry-url", and that the runner can reach it (proxy, firewall, registry status).`);
  }
}

function usernameOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { username?: unknown };
    return typeof parsed.username === 'string' && parsed.username ? parsed.username : undefined;
  } catch {
    return undefined;
  }
}

function rejected(registryUrl: string, why: string): ActionError {
  return new ActionError(`Token check: the registry ${registryUrl} rejected the token (401, ${why}): it is wrong, expired or revoked. Create a new Pulumi access token and update the secret passed as "pulumi-access-token".`);
}

function statusError(status: number, registryUrl: string, asked: string): ActionError {
  if (status === 401) return rejected(registryUrl, `when asked for ${asked}`);
  if (status === 403) {
    return new ActionError(`Token check: the token is valid but has no access to ${asked} on ${registryUrl} (403). Use a token of an account or organization that may read the scope's packages.`);
  }
  return new ActionError(`Token check: the registry ${registryUrl} answered ${status} when asked for ${asked}, so it is not usable now. Check "registry-url", or retry when the registry is up.`);
}
