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

/** The network failure an install's output tells of, if any: a certificate first, then a 5xx, then a connection. */
export function networkFailureIn(output: string): NetworkFailure | undefined {
  const host = hostIn(output);
  const code = CERTIFICATE_CODES.exec(output)?.[1] ?? CERTIFICATE_TEXTS.find(([text]) => text.test(output))?.[1];
  if (code) return { kind: 'certificate', code, host };
  const status = serverErrorIn(output);
  if (status) return { kind: 'status', status, host };
  const connection = CONNECTION_CODES.exec(output)?.[1];
  return connection ? { kind: 'connection', code: connection, host } : undefined;
}

function serverErrorIn(output: string): string | undefined {
  for (const pattern of SERVER_ERRORS) {
    const status = pattern.exec(output)?.[1];
    if (status) return status;
  }
  return undefined;
}

/** The first registry host the output names in a URL. */
function hostIn(output: string): string | undefined {
  const url = /\bhttps?:\/\/[^\s'"`<>)]+/.exec(output)?.[0];
  try {
    return url ? new URL(url).host : undefined;
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

/** The sentence for a failure, after `lead` (what failed where); the manager's own output stays in the log above. */
export function explainNetworkFailure(lead: string, failure: NetworkFailure, manager: ManagerName): ActionError {
  const where = failure.host ?? 'the registry';
  switch (failure.kind) {
    case 'certificate':
      return new ActionError(`${lead}: the TLS certificate of ${where} is not trusted (${failure.code}). ${certificateAdvice(manager)}`);
    case 'status':
      return new ActionError(
        `${lead}: ${where} answered ${failure.status} (a server error) and ${manager} gave up after its retries. ` +
          'Check the registry\'s status and "registry-url", and any proxy between the runner and it (HTTPS_PROXY); run the job again when it answers.',
      );
    case 'connection':
      return new ActionError(
        `${lead}: the connection to ${where} failed (${failure.code}) and ${manager} gave up after its retries. ` +
          'Check that the runner reaches it: "registry-url", the proxy (HTTPS_PROXY, NO_PROXY), the firewall, the registry\'s status.',
      );
  }
}

/** The error for an install whose output tells of a network failure; undefined when it tells of none. */
export function networkFailureError(lead: string, output: string, manager: ManagerName): ActionError | undefined {
  const failure = networkFailureIn(output);
  return failure && explainNetworkFailure(lead, failure, manager);
}
