import { ActionError } from '../util/errors.js';

/** The failures every manager's install meets, in the same words whichever manager met them. */
export const failures = {
  killed: (what: string, where: string) =>
    new ActionError(
      `"${what}" in ${where} was killed before it finished (by a signal: out of memory, or the ` +
        `job was cancelled). Run the job again; if it recurs, look for memory use in the log above.`,
    ),
  /** `lead` says what failed where, e.g. `"npm install" failed in infra (exit code 1)`. */
  unauthorized: (lead: string, registryUrl: string) =>
    new ActionError(`${lead}: the registry rejected the credentials (401). Check the "pulumi-access-token" secret and "registry-url" (${registryUrl}).`),
  forbidden: (lead: string) =>
    new ActionError(`${lead}: access denied (403). The token has no access to a package it needs; use a token of an account that may read the scope.`),
  /**
   * `status`: how the registry said it, e.g. "404". `registryUrl`: where the manager fetches the scope, routed or its
   * own config's (nothing may be routed: the message says only where the packages come from).
   */
  notFound: (lead: string, what: string | undefined, status: string, registryUrl: string) =>
    new ActionError(
      `${lead}: ${what ?? 'a package'} was not found (${status}). Check its name and version in package.json and the lockfile, ` +
        `and that the registry it comes from has it (the scope's packages come from ${registryUrl}).`,
    ),
  scriptFailed: (lead: string, where: string | undefined, detail: string) =>
    new ActionError(
      `${lead}: an install script failed${where ? ` in ${where}` : ''}${detail}. Its output is in the log above; "ignore-scripts: true" runs none.`,
    ),
};
