import type { RegistryHostReplacement } from './types.js';

/** npm's default registry, when no config names another. */
export const NPM_DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
/** npm's built-in replace-registry-host. */
export const DEFAULT_HOST_REPLACEMENT: RegistryHostReplacement = { replace: 'npmjs', registry: NPM_DEFAULT_REGISTRY };
/** The hosts `npmjs` stands for: yarn's registry.yarnpkg.com serves the same registry as npm's default. */
const PUBLIC_REGISTRY_HOSTS = ['registry.npmjs.org', 'registry.yarnpkg.com'];

/**
 * The URL npm fetches a lockfile's `resolved` from, as npm's reify rewrites it (arborist's #registryResolved):
 * `never` keeps it; `always` moves every host, `npmjs` the public registry's, a host name that host, a URL that
 * prefix, to the configured `registry` (npm's default registry, not the scope's), keeping the package's path.
 */
export function fetchedFrom(resolved: string, { replace, registry }: RegistryHostReplacement): string {
  let url: URL;
  let target: URL;
  try {
    url = new URL(resolved);
    target = new URL(registry);
  } catch {
    return resolved;
  }
  const prefix = replacedPrefix(replace);
  if (prefix === undefined) return resolved;
  const hostMatches = prefix.hosts === 'any' || prefix.hosts.includes(url.hostname);
  if (!hostMatches || (prefix.path !== '' && !hasPathPrefix(url.pathname, prefix.path))) return resolved;
  const registryPath = target.pathname.replace(/\/$/, '');
  const pathname = url.pathname;
  url.protocol = target.protocol;
  url.hostname = target.hostname;
  url.port = target.port;
  if (prefix.path !== '') url.pathname = registryPath + pathname.slice(prefix.path.length);
  else if (registryPath !== '' && !hasPathPrefix(pathname, registryPath)) url.pathname = registryPath + pathname;
  return url.href;
}

/** The hosts (and path prefix, for a URL) a replace-registry-host value replaces; undefined for `never`. */
function replacedPrefix(replace: string): { hosts: string[] | 'any'; path: string } | undefined {
  if (replace === 'never') return undefined;
  if (replace === 'always') return { hosts: 'any', path: '' };
  if (replace === 'npmjs' || replace === '') return { hosts: PUBLIC_REGISTRY_HOSTS, path: '' };
  try {
    const url = new URL(replace);
    return { hosts: [url.hostname], path: url.pathname.replace(/\/$/, '') };
  } catch {
    return { hosts: [replace.toLowerCase()], path: '' };
  }
}

function hasPathPrefix(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/**
 * True when the registry at `registry` serves `url`: the same protocol, host and path prefix, where yarn's
 * registry.yarnpkg.com is npm's registry.npmjs.org.
 */
export function isServedBy(url: string, registry: string): boolean {
  try {
    const fetched = new URL(url);
    const base = new URL(registry.endsWith('/') ? registry : `${registry}/`);
    const sameHost = fetched.host === base.host || (PUBLIC_REGISTRY_HOSTS.includes(fetched.host) && PUBLIC_REGISTRY_HOSTS.includes(base.host));
    return fetched.protocol === base.protocol && sameHost && fetched.pathname.startsWith(base.pathname);
  } catch {
    return false;
  }
}
