import { ActionError } from '../util/errors.js';

/**
 * Which requests the credential proxy adds the token to: those for the registry's origin (scheme, host and port, all
 * three) whose path lies under the registry URL's path. The path is read after the URL parser has resolved dot
 * segments, so `/prefix/../elsewhere` is `/elsewhere`, and what is checked is what is sent.
 */
export interface RegistryRoute {
  /** The registry's origin, `https://host[:port]`. */
  origin: string;
  /** `host[:port]` as a CONNECT names it, default port left out as URL writes it. */
  host: string;
  secure: boolean;
  /** Whether the token goes with a request for this URL. */
  covers(url: URL): boolean;
  /** Whether a CONNECT to this authority (`host:port`) is one to intercept. */
  isRegistryAuthority(authority: string): boolean;
}

/**
 * A path segment that a registry might resolve as `.` or `..` after decoding it (`%2e%2e`, or a `..` next to an
 * encoded slash); the URL parser resolves only the plain and `%2e` forms. No package manager sends such a path.
 */
const ENCODED_DOT_SEGMENT = /(^|\/|%2f|\\|%5c)(\.|%2e){1,2}(\/|%2f|\\|%5c|$)/i;

export function registryRoute(registryUrl: string): RegistryRoute {
  let registry: URL;
  try {
    registry = new URL(registryUrl);
  } catch {
    throw new ActionError(`The registry URL ${JSON.stringify(registryUrl)} is not a URL.`);
  }
  if (registry.protocol !== 'https:' && registry.protocol !== 'http:') {
    throw new ActionError(`The registry URL ${JSON.stringify(registryUrl)} must start with https:// or http://.`);
  }
  if (registry.username || registry.password) {
    throw new ActionError('The registry URL must not hold a user name or password: the token is what authenticates.');
  }
  const prefix = registry.pathname.endsWith('/') ? registry.pathname : `${registry.pathname}/`;
  const secure = registry.protocol === 'https:';
  return {
    origin: registry.origin,
    host: registry.host,
    secure,
    covers: (url) => url.origin === registry.origin && url.pathname.startsWith(prefix) && !ENCODED_DOT_SEGMENT.test(url.pathname),
    isRegistryAuthority: (authority) => secure && hostOfAuthority(authority) === registry.host,
  };
}

/** `host[:port]` of a CONNECT target, normalised as URL normalises a host (case, default port, IDN). */
export function hostOfAuthority(authority: string): string | undefined {
  if (!/^(\[[0-9a-f:.]+\]|[^:/?#@[\]\s]+):\d{1,5}$/i.test(authority)) return undefined;
  try {
    return new URL(`https://${authority}`).host;
  } catch {
    return undefined;
  }
}
