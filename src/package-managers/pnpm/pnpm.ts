import { ActionError } from '../../util/errors.js';
import type { CommandResult } from '../command.js';
import { LOCKFILE } from './files.js';

/** Turns pnpm's error codes (ERR_PNPM_*) into a sentence the user can act on. */
export function explainPnpmFailure(what: string, where: string, result: CommandResult, registryUrl: string): ActionError {
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode === null) {
    return new ActionError(
      `"${what}" in ${where} was killed before it finished (by a signal: out of memory, or the job was cancelled). ` +
        'Run the job again; if it recurs, look for memory use in the log above.',
    );
  }
  const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
  const code = /\b(ERR_PNPM_[A-Z0-9_]+)\b/.exec(output)?.[1];
  // "GET https://…/@pulumi%2Faws: Not Found - 404": the package, from its metadata URL.
  const fetched = /ERR_PNPM_FETCH_\d+\s+GET (\S+?):? /.exec(output)?.[1];
  const pkg = fetched === undefined ? undefined : packageOfUrl(fetched, registryUrl);
  switch (code) {
    case 'ERR_PNPM_OUTDATED_LOCKFILE':
      return new ActionError(
        `${lead}: ${LOCKFILE} is not up to date with package.json, and a frozen install may not change it. ` +
          `Run "pnpm install" where the program is, and commit the updated ${LOCKFILE}.`,
      );
    case 'ERR_PNPM_LOCKFILE_CONFIG_MISMATCH':
      return new ActionError(
        `${lead}: ${LOCKFILE} was written with other settings than this install's (${/"settings\.(\w+)"/.exec(output)?.[1] ?? 'see the log above'}). ` +
          `Run "pnpm install" with the repository's settings and commit the updated ${LOCKFILE}.`,
      );
    case 'ERR_PNPM_FETCH_401':
      return new ActionError(`${lead}: the registry rejected the credentials (401). Check the "pulumi-access-token" secret and "registry-url" (${registryUrl}).`);
    case 'ERR_PNPM_FETCH_403':
      return new ActionError(`${lead}: access denied (403). The token has no access to a package it needs; use a token of an account that may read the scope.`);
    case 'ERR_PNPM_FETCH_404':
    case 'ERR_PNPM_NO_MATCHING_VERSION':
      return new ActionError(
        `${lead}: ${pkg ?? /No matching version found for (\S+)/.exec(output)?.[1] ?? 'a package'} was not found (${code === 'ERR_PNPM_FETCH_404' ? '404' : 'no such version'}). ` +
          'Check the name and version in package.json, and that its scope is served by the registry it is routed to.',
      );
    case 'ERR_PNPM_BROKEN_LOCKFILE':
    case 'ERR_PNPM_LOCKFILE_BREAKING_CHANGE':
      return new ActionError(`${lead}: pnpm cannot read ${LOCKFILE}. Run "pnpm install" with a current pnpm where the program is, and commit the ${LOCKFILE} it writes.`);
    case 'ERR_PNPM_BAD_PM_VERSION':
    case 'ERR_PNPM_UNSUPPORTED_ENGINE':
      return new ActionError(`${lead}: the "packageManager" or "engines" field of package.json asks for another pnpm or Node.js. pnpm's explanation is in the log above.`);
    default:
      break;
  }
  // An install script that failed: pnpm prints "ELIFECYCLE" (and the package's path, "node_modules/.pnpm/<pkg>/…").
  if (/\bELIFECYCLE\b|ERR_PNPM_LIFECYCLE/.test(output) || code === 'ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL') {
    const folder = /(\S*node_modules\/\.pnpm\/\S+?)(?: |:|$)/m.exec(output)?.[1];
    return new ActionError(`${lead}: an install script failed${folder ? ` in ${folder}` : ''}. Its output is in the log above; "ignore-scripts: true" runs none.`);
  }
  return new ActionError(`${lead}${code ? ` with pnpm error ${code}` : ''}. pnpm's output is in the log above.`);
}

/** The package a registry URL is for: its metadata (`…/@scope%2Fname`) or a tarball (`…/name/-/name-1.0.0.tgz`). */
function packageOfUrl(url: string, registryUrl: string): string | undefined {
  try {
    const { pathname } = new URL(url);
    const base = new URL(registryUrl).pathname;
    const relative = decodeURIComponent(pathname.startsWith(base) ? pathname.slice(base.length) : pathname.slice(1));
    return relative.split('/-/')[0] || undefined;
  } catch {
    return undefined;
  }
}
