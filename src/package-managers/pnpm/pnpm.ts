import { ActionError } from '../../util/errors.js';
import type { CommandResult } from '../command.js';
import { failures } from '../failures.js';
import { LOCKFILE } from './files.js';
import { networkFailureError } from '../network-failures.js';

/** Turns pnpm's error codes (ERR_PNPM_*) into a sentence the user can act on. */
export function explainPnpmFailure(what: string, where: string, result: CommandResult, registryUrl: string): ActionError {
  if (result.exitCode === null) return failures.killed(what, where);
  const output = `${result.stdout}\n${result.stderr}`;
  const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
  const code = /\b(ERR_PNPM_[A-Z0-9_]+)\b/.exec(output)?.[1];
  switch (code) {
    case 'ERR_PNPM_OUTDATED_LOCKFILE':
      return new ActionError(
        `${lead}: ${LOCKFILE} is not up to date with package.json, and a frozen install may not change it. ` +
          `Run "pnpm install" where the program is, and commit the updated ${LOCKFILE}.`,
      );
    case 'ERR_PNPM_LOCKFILE_CONFIG_MISMATCH': {
      const setting = /"settings\.(\w+)"/.exec(output)?.[1];
      return new ActionError(
        `${lead}: ${LOCKFILE} was written with ${setting ? `another "${setting}"` : 'other settings'} than this install has, and a frozen install ` +
          `may not change it. Run "pnpm install" with the repository's settings, and commit the updated ${LOCKFILE}.`,
      );
    }
    case 'ERR_PNPM_FETCH_401':
      return failures.unauthorized(lead, registryUrl);
    case 'ERR_PNPM_FETCH_403':
      return failures.forbidden(lead);
    case 'ERR_PNPM_FETCH_404': {
      // "GET http://…/@pulumi%2Faws: Not Found - 404"
      const url = /ERR_PNPM_FETCH_404\s+GET (\S+?):? /.exec(output)?.[1];
      return failures.notFound(lead, url === undefined ? undefined : packageOfUrl(url, registryUrl), '404', registryUrl);
    }
    case 'ERR_PNPM_NO_MATCHING_VERSION':
      return failures.notFound(lead, /No matching version found for (\S+)/.exec(output)?.[1], 'no such version', registryUrl);
    case 'ERR_PNPM_BROKEN_LOCKFILE':
    case 'ERR_PNPM_LOCKFILE_BREAKING_CHANGE':
      return new ActionError(
        `${lead}: pnpm cannot read ${LOCKFILE}. Run "pnpm install" with a current pnpm where the program is, and commit the ${LOCKFILE} it writes.`,
      );
    case 'ERR_PNPM_BAD_PM_VERSION':
    case 'ERR_PNPM_UNSUPPORTED_ENGINE':
      return new ActionError(`${lead}: package.json's "packageManager" or "engines" asks for another pnpm or Node.js; pnpm's explanation is in the log above.`);
    default:
      break;
  }
  // An install script that failed: pnpm says ELIFECYCLE, after ".../node_modules/<package> install: Failed" for a dependency's.
  if (/\bELIFECYCLE\b/.test(output) || code === 'ERR_PNPM_LIFECYCLE') {
    const failed = /^\S*?node_modules\/((?:@[^/\s]+\/)?[^/\s]+) (\w+): Failed$/m.exec(output);
    return failures.scriptFailed(lead, failed?.[1], failed ? ` (its "${failed[2]}" script)` : '');
  }
  return networkFailureError(lead, output, 'pnpm') ?? new ActionError(`${lead}${code ? ` with pnpm error ${code}` : ''}. pnpm's output is in the log above.`);
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
