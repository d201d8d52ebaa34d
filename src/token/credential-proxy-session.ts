import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import type { ProxyCertificates, RunnerNetwork } from '../package-managers/types.js';
import { ActionError } from '../util/errors.js';
import { startCredentialProxy } from './credential-proxy.js';
import { troubleSentence } from './registry-trouble.js';

export interface ProxySessionRequest {
  registryUrl: string;
  token: string;
  /** The runner's proxy and roots as the package manager's own config sets them. */
  network: RunnerNetwork;
  /** The action's environment: NODE_EXTRA_CA_CERTS, and HTTPS_PROXY/NO_PROXY when the manager's config names no proxy. */
  env: NodeJS.ProcessEnv;
  /** The folder the post step removes, where the merged certificate files go. */
  folder: string;
}

export interface ProxySession {
  proxyUrl: string;
  certificates?: ProxyCertificates;
  /**
   * What the proxy saw of the registry failing, else of another host that `failure` (the install's failure) names, as
   * a sentence for that failure; undefined when it saw neither.
   */
  trouble(failure: string): string | undefined;
  close(): Promise<void>;
}

/**
 * Starts the credential proxy for the installs: it forwards through the runner's own proxy and trusts the runner's
 * roots, and for an https registry writes the files that make the package manager trust its authority beside the
 * roots it already trusts (never instead of them).
 */
export async function openProxySession({ registryUrl, token, network, env, folder }: ProxySessionRequest): Promise<ProxySession> {
  const extraCa = await readCertificates(env['NODE_EXTRA_CA_CERTS'], 'NODE_EXTRA_CA_CERTS');
  const managerCa = await readCertificates(network.caFile, 'the npm config "cafile"');
  const proxy = await startCredentialProxy({
    registryUrl,
    token,
    upstreamProxyFor: runnerProxy(network),
    extraCaPem: [extraCa, managerCa].filter(Boolean).join('\n') || undefined,
  });
  // Another host's failures only for a failure that names it: an install script's fallback from a mirror it could
  // not reach is no part of a policy failure or a 404.
  const trouble = (failure: string) => {
    const report = proxy.trouble() ?? proxy.otherHostsTrouble().find((other) => failure.includes(other.host));
    return report && troubleSentence(report);
  };
  try {
    const authority = proxy.caCertificatePem;
    if (!authority) return { proxyUrl: proxy.url, trouble, close: proxy.close };
    const extraCaFile = path.join(folder, 'extra-ca-certificates.pem');
    await fs.writeFile(extraCaFile, joinPem(extraCa, authority));
    const certificates: ProxyCertificates = { extraCaFile };
    if (network.caFile) {
      certificates.caFile = path.join(folder, 'cafile.pem');
      await fs.writeFile(certificates.caFile, joinPem(managerCa, authority));
    }
    return { proxyUrl: proxy.url, certificates, trouble, close: proxy.close };
  } catch (error) {
    await proxy.close();
    throw new ActionError(`Cannot write the credential proxy's certificate under RUNNER_TEMP (${folder}): ${(error as NodeJS.ErrnoException).code ?? error}.`);
  }
}

async function readCertificates(file: string | undefined, what: string): Promise<string> {
  if (!file) return '';
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ActionError(
      `Cannot read the certificates ${what} names (${file}): ${(error as NodeJS.ErrnoException).code ?? error}. Fix the path, or unset it.`,
    );
  }
}

function joinPem(...parts: string[]): string {
  return `${parts
    .filter(Boolean)
    .map((part) => part.trimEnd())
    .join('\n')}\n`;
}

/**
 * The runner's proxy for a URL, as npm would have used it: the manager config's https-proxy/proxy (bypassed for its
 * noproxy hosts, else NO_PROXY's), else HTTPS_PROXY/HTTP_PROXY/NO_PROXY as the action's HTTP client reads them.
 */
export function runnerProxy(network: RunnerNetwork, env: NodeJS.ProcessEnv = process.env): (url: URL) => URL | undefined {
  const configured = (url: URL) => (url.protocol === 'https:' ? (network.httpsProxy ?? network.httpProxy) : (network.httpProxy ?? network.httpsProxy));
  return (url) => {
    const proxy = configured(url);
    if (!proxy) return getProxyUrl(url);
    return bypasses(url, network.noProxy ?? env['NO_PROXY'] ?? env['no_proxy'] ?? '') ? undefined : new URL(proxy);
  };
}

/** NO_PROXY's syntax, as npm reads it: `*`, or host names (a leading dot or `*.` for subdomains), optionally with a port. */
function bypasses(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name, entryPort] = entry.replace(/^\*?\./, '').split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}
