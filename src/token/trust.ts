import { readFile } from 'node:fs/promises';

/** A run that builds code from another repository (a fork) while holding this repository's secrets. */
export interface UntrustedRun {
  event: string;
  /** The repository the code comes from, e.g. 'fork-owner/repo', or a description when the payload names none. */
  head: string;
  /** The repository whose secrets the run holds, e.g. 'owner/repo'. */
  base: string;
}

const DELETED_FORK = 'a deleted fork';
const UNNAMED_HEAD = 'a repository the event does not name';
const UNNAMED_BASE = 'this repository';

/**
 * The run executes code from a fork with the base repository's secrets: pull_request_target, or workflow_run
 * whose head repository is a fork. Any other event is trusted: a plain pull_request from a fork gets no secrets.
 * When the payload does not say where the code comes from, the run counts as untrusted.
 */
export function untrustedRun(eventName: string | undefined, payload: unknown): UntrustedRun | undefined {
  let headRepository: unknown;
  if (eventName === 'pull_request_target') headRepository = field(payload, 'pull_request', 'head', 'repo');
  else if (eventName === 'workflow_run') headRepository = field(payload, 'workflow_run', 'head_repository');
  else return undefined;

  const baseName = fullName(field(payload, 'repository'));
  const headName = fullName(headRepository);
  // Owner and repository names are case-insensitive on GitHub.
  if (headName && baseName && headName.toLowerCase() === baseName.toLowerCase()) return undefined;
  return {
    event: eventName,
    head: headName ?? (headRepository === null ? DELETED_FORK : UNNAMED_HEAD),
    base: baseName ?? UNNAMED_BASE,
  };
}

/** The webhook payload of the run (GITHUB_EVENT_PATH); undefined when unset, unreadable or not JSON. */
export async function readEventPayload(eventPath: string | undefined): Promise<unknown> {
  if (!eventPath) return undefined;
  try {
    return JSON.parse(await readFile(eventPath, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function untrustedRunMessage(run: UntrustedRun): string {
  return (
    `This ${run.event} run builds code from ${run.head} with the secrets of ${run.base}, so the action does not hand it the Pulumi access token: ` +
    `that code's package.json, lockfile, .npmrc or install scripts could send the token anywhere. ` +
    `The dependency policy check still ran; set "allow-untrusted: true" to install with the token anyway, only if you trust that code.`
  );
}

function field(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function fullName(repository: unknown): string | undefined {
  const name = field(repository, 'full_name');
  return typeof name === 'string' && name ? name : undefined;
}
