import { stripVTControlCharacters } from 'node:util';
import { ActionError } from '../util/errors.js';
import type { ManagerName } from './types.js';

/**
 * A failed install that the network explains: the registry's certificate not trusted, a server error (5xx) after the
 * manager's retries, or a connection that failed. Read from any manager's output by the codes Node.js, npm, pnpm, yarn
 * and bun print; the install's environment bounds the retries (npm/npm.ts), so these come within seconds.
 */
export type NetworkFailure =
  | { kind: 'certificate'; code: string; host: string | undefined }
  | { kind: 'status'; status: string; host: string | undefined }
  | { kind: 'connection'; code: string; host: string | undefined };

/** OpenSSL's verification errors as Node.js names them, and Node's own for a name the certificate does not cover. */
const CERTIFICATE_CODES =
  // No \b before: pnpm prefixes them (ERR_PNPM_DEPTH_ZERO_SELF_SIGNED_CERT).
  /(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|ERR_TLS_CERT_ALTNAME_INVALID)\b/;
/** The texts OpenSSL gives them, for a manager that prints the text alone (yarn 1, bun). */
const CERTIFICATE_TEXTS: Array<[RegExp, string]> = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
];
const CONNECTION_CODES = /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|ECONNABORTED|EHOSTUNREACH|ENETUNREACH)\b/;
/** Node's text for a reset connection, which yarn 1 and yarn 2+ print without its code; bun's own names. */
const CONNECTION_TEXTS: Array<[RegExp, string]> = [
  [/\bsocket hang up\b/, 'ECONNRESET'],
  [/\b(ConnectionClosed|ConnectionRefused|ConnectionTimeout|ConnectionResetByPeer)\b/, ''],
];
/**
 * A 5xx as each manager prints it: npm ("code E500", "500 Internal Server Error - GET"), pnpm ("ERR_PNPM_FETCH_500"),
 * yarn 1 ("Request failed \"500 …\""), yarn 2+ ("Response Code: 500"), bun ("GET … - 500").
 */
const SERVER_ERRORS = [
  /\bE(5\d\d)\b/,
  /\b(5\d\d) [A-Z][\w ]* - (?:GET|HEAD)\b/,
  /ERR_PNPM_FETCH_(5\d\d)\b/,
  /Request failed \\?"(5\d\d)\b/,
  /Response Code: (5\d\d)\b/,
  /\bGET \S+ - (5\d\d)\b/,
];

/**
 * The network failure an install's output tells of, if any: a certificate first, then a 5xx, then a connection. The
 * host is the one the failing line names, else the first registry the output names.
 */
export function networkFailureIn(printed: string): NetworkFailure | undefined {
  // Yarn 2+ colours its output on a runner (GITHUB_ACTIONS), inside the texts matched here.
  const output = stripVTControlCharacters(printed);
  const certificate = firstMatch(output, [[CERTIFICATE_CODES, ''], ...CERTIFICATE_TEXTS]);
  if (certificate) return { kind: 'certificate', code: certificate.code, host: hostIn(output, certificate.at) };
  const status = firstMatch(
    output,
    SERVER_ERRORS.map((pattern) => [pattern, ''] as [RegExp, string]),
  );
  if (status) return { kind: 'status', status: status.code, host: hostIn(output, status.at) };
  const connection = firstMatch(output, [[CONNECTION_CODES, ''], ...CONNECTION_TEXTS]);
  return connection && { kind: 'connection', code: connection.code, host: hostIn(output, connection.at) };
}

/** The first pattern that matches: the code it names (its group, else the one given), and where in the output. */
function firstMatch(output: string, patterns: Array<[RegExp, string]>): { code: string; at: number } | undefined {
  for (const [pattern, named] of patterns) {
    const match = pattern.exec(output);
    if (match) return { code: named || match[1]!, at: match.index };
  }
  return undefined;
}

/** Hosts of the managers' documentation, which their error output links to (yarn 1: "info Visit https://yarnpkg.com/…"). */
const DOCUMENTATION_HOSTS = new Set(['yarnpkg.com', 'classic.yarnpkg.com', 'pnpm.io', 'bun.sh', 'bun.com', 'docs.npmjs.com', 'nodejs.org', 'github.com']);
const URLS = /\bhttps?:\/\/[^\s'"`<>)]+/g;

/**
 * The host of a URL on the line at `at` (one that is not documentation first: a git dependency on github.com, or
 * node-gyp's download from nodejs.org, fails there too), else of the first URL in the output that is not documentation.
 */
function hostIn(output: string, at: number): string | undefined {
  const lineStart = output.lastIndexOf('\n', at) + 1;
  const lineEnd = output.indexOf('\n', at);
  const line = output.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const hostsOf = (text: string) => [...text.matchAll(URLS)].flatMap((match) => hostOf(match[0]) ?? []);
  const notDocumentation = (host: string) => !DOCUMENTATION_HOSTS.has(host);
  const onLine = hostsOf(line);
  return onLine.find(notDocumentation) ?? onLine[0] ?? hostsOf(output).find(notDocumentation);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Where each manager takes certificate roots of its own, in the runner's user config (never the repository's). */
const CERTIFICATE_SETTINGS: Record<ManagerName, string> = {
  npm: 'npm\'s "cafile" in the runner\'s user config (npm config set cafile <file>)',
  pnpm: 'pnpm\'s "cafile" in the runner\'s user .npmrc (pnpm config set cafile <file>)',
  yarn: 'yarn 2+\'s "httpsCaFilePath" in the runner\'s ~/.yarnrc.yml (yarn 1: "cafile" in ~/.yarnrc)',
  bun: 'bun\'s "cafile" under [install] in the runner\'s ~/.bunfig.toml',
};

/** What to do about a certificate the install does not trust: the settings that add its authority. */
export function certificateAdvice(manager: ManagerName | undefined): string {
  const own = manager ? `, or ${CERTIFICATE_SETTINGS[manager]}` : '';
  return (
    'A proxy that re-signs TLS (a corporate proxy) or a registry with an authority of its own needs that authority trusted: ' +
    `set NODE_EXTRA_CA_CERTS in the job's env to a PEM file holding it (the action, its credential proxy and every package manager read it)${own}.`
  );
}

/**
 * The sentence for a failure, after `lead` (what failed where); the manager's own output stays in the log above.
 * `configuredRegistry`: the registry the manager was set to use, named when its output names no host (yarn and bun
 * print an untrusted certificate or a closed connection without one).
 */
export function explainNetworkFailure(lead: string, failure: NetworkFailure, manager: ManagerName, configuredRegistry?: string): ActionError {
  const configuredHost = configuredRegistry === undefined ? undefined : hostOf(configuredRegistry);
  const where = failure.host ?? (configuredHost ? `${configuredHost} (the registry ${manager} is configured with)` : 'the registry');
  switch (failure.kind) {
    case 'certificate':
      return new ActionError(`${lead}: the TLS certificate of ${where} is not trusted (${failure.code}). ${certificateAdvice(manager)}`);
    case 'status':
      return new ActionError(
        `${lead}: ${where} answered ${failure.status} (a server error) and ${manager} gave up. ` +
          'Check the registry\'s status and "registry-url", and any proxy between the runner and it (HTTPS_PROXY); run the job again when it answers.',
      );
    case 'connection':
      return new ActionError(
        `${lead}: the connection to ${where} failed (${failure.code}) and ${manager} gave up. ` +
          'Check that the runner reaches it: "registry-url", the proxy (HTTPS_PROXY, NO_PROXY), the firewall, the registry\'s status.',
      );
  }
}

/** The error for an install whose output tells of a network failure; undefined when it tells of none. */
export function networkFailureError(lead: string, output: string, manager: ManagerName, configuredRegistry?: string): ActionError | undefined {
  const failure = networkFailureIn(output);
  return failure && explainNetworkFailure(lead, failure, manager, configuredRegistry);
}
