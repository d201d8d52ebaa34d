/**
 * The one module that knows how `@actions/cache` behaves beyond its types. Written against @actions/cache 6.3.0 (pinned
 * exactly in package.json); before moving to another version, check each of these against its source:
 * - it globs relative paths from process.cwd() but runs tar in GITHUB_WORKSPACE, so each call sees GITHUB_WORKSPACE
 *   as process.cwd() (by async context: the process's working directory never changes while the policy check runs
 *   beside a restore);
 * - it reports faults as workflow-command annotations on stdout (an error for a 5xx) rather than by throwing, so its
 *   stdout is intercepted and its annotations turned into debug lines;
 * - the texts it logs: CACHE_WRITE_DENIED_PREFIX for a read-only cache token, RESERVED_ELSEWHERE for a reservation
 *   another job holds, the "Failed to reserve cache" debug line, "Cache restore skipped" and "Cache save skipped";
 * - it takes no abort signal, applies SEGMENT_DOWNLOAD_TIMEOUT_MINS (default 10) only to downloads from Azure hosts,
 *   and gives up on an ETIMEDOUT error rather than retrying, so the restore sets its own deadline (deadline.ts);
 * - its restoreCache extracts whatever the archive names (`tar -P`), so the restore repeats its steps with its
 *   internal modules (imported by file: the package's `exports` hides them), as restoreCacheV1/V2 take them, and
 *   checks the archive's entries between the download and the extraction.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as bundledCache from '@actions/cache';
import * as cacheHttpClient from '../../node_modules/@actions/cache/lib/internal/cacheHttpClient.js';
import * as cacheUtils from '../../node_modules/@actions/cache/lib/internal/cacheUtils.js';
import type { CompressionMethod } from '../../node_modules/@actions/cache/lib/internal/constants.js';
import { getCacheMode, getCacheServiceVersion, isCacheReadable } from '../../node_modules/@actions/cache/lib/internal/config.js';
import { internalCacheTwirpClient } from '../../node_modules/@actions/cache/lib/internal/shared/cacheTwirpClient.js';
import { extractTar } from '../../node_modules/@actions/cache/lib/internal/tar.js';
import { routeStdout } from '../util/stdout-routing.js';
import { withCwd } from '../util/scoped-cwd.js';
import type { ArchiveCompression } from './archive-check.js';
import type { RefusedEntry } from './archive-entries.js';
import { withHttpDeadline } from './deadline.js';

/**
 * What a restore came to: a restored key, an entry refused before anything of it was written, a miss (with the SDK's
 * line when it skipped looking), or a fault.
 */
export type SdkRestoreOutcome =
  | { kind: 'restored'; key: string }
  | { kind: 'refused'; key: string; entry: RefusedEntry }
  | { kind: 'miss'; skipped: string | undefined }
  | { kind: 'fault'; problem: string; timedOutAfterMinutes: number | undefined }
  | { kind: 'cancelled' };

/** What a save came to; `skipped` is the SDK's line when it chose not to save. */
export type SdkSaveOutcome =
  | { kind: 'saved' }
  | { kind: 'write-denied' }
  | { kind: 'reserved-elsewhere' }
  | { kind: 'fault'; problem: string }
  | { kind: 'not-saved'; skipped: string | undefined };

/** A line the SDK printed during the call: an annotation it raised, a debug line, or plain output. */
interface SdkLine {
  level: 'error' | 'warning' | 'notice' | 'info' | 'debug';
  text: string;
}

type SdkOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

const ANNOTATION = /^::(error|warning|notice)(?: [^:]*)?::(.*?)(\r?\n)?$/;
const DEBUG = /^::debug::(.*?)\r?\n?$/;
/** The SDK's transfer progress ("Sent 978 of 978 (100.0%), 0.0 MBs/sec"): noise in a log of archives this small, kept as debug. */
const TRANSFER_PROGRESS = /^(Sent|Received) \d+ of \d+ \(/;
/** The SDK's own default for one download segment (10 minutes). */
const DEFAULT_TIMEOUT_MINUTES = 10;
/** What the SDK says when another job holds the reservation of the same key and version. */
const RESERVED_ELSEWHERE = 'another job may be creating this cache';
/**
 * Service v2 says RESERVED_ELSEWHERE for any failed reservation, a request that never got an answer included; only
 * its debug line tells the two apart.
 */
const RESERVATION_REQUEST_FAILED = /^Failed to reserve cache: (?:Error: )?(Failed to CreateCacheEntry: .*)/s;
const RESTORE_SKIPPED = 'Cache restore skipped';

/** Looks at a downloaded archive before anything of it is written: the entry it must not extract, or undefined. */
export type ArchiveCheck = (archivePath: string, compression: ArchiveCompression) => Promise<RefusedEntry | undefined>;

/** What restoring a found entry came to: its key, and the entry that stopped it when one did. */
type Restored = { key: string; refused?: RefusedEntry };
const SAVE_SKIPPED = 'Cache save skipped';

/** The SDK as the calls below make them: the copy bundled with the action, or a host's stand-in (useHostCache). */
let cache: typeof bundledCache = bundledCache;

/**
 * Puts a host's @actions/cache in place of the bundled one, for the rest of the process: @github/local-action's, which
 * has its own restoreCache and saveCache and nothing else, and keeps entries as files in LOCAL_ACTION_CACHE_PATH.
 */
export function useHostCache(host: typeof bundledCache): void {
  cache = host;
}

/** Whether a host's stand-in is in use; its restoreCache downloads and extracts in one call. */
const stubbedByHost = (): boolean => typeof (cache as Partial<typeof cache>).isFeatureAvailable !== 'function';

export const cacheServiceAvailable = (): boolean => (stubbedByHost() ? Boolean(process.env.LOCAL_ACTION_CACHE_PATH) : cache.isFeatureAvailable());

/**
 * Restores `paths` within SEGMENT_DOWNLOAD_TIMEOUT_MINS, as the SDK reads it, for every host; `signal` stops a
 * transfer still under way (an extraction already running is left to finish).
 */
export async function restoreWithSdk(
  paths: string[],
  primaryKey: string,
  restoreKeys: string[],
  check: ArchiveCheck,
  signal?: AbortSignal,
): Promise<SdkRestoreOutcome> {
  const minutes = downloadTimeoutMinutes();
  const {
    value: { outcome, lines },
    stopped,
  } = await withHttpDeadline(minutes * 60_000, () => callCacheSdk(() => restoreChecked(paths, primaryKey, restoreKeys, check)), signal);
  const problem = firstProblem(outcome, lines);
  if (problem !== undefined && stopped === 'cancelled') return { kind: 'cancelled' };
  if (problem !== undefined) return { kind: 'fault', problem, timedOutAfterMinutes: stopped === 'expired' ? minutes : undefined };
  const restored = outcome.ok ? outcome.value : undefined;
  if (restored?.refused) return { kind: 'refused', key: restored.key, entry: restored.refused };
  if (restored) return { kind: 'restored', key: restored.key };
  return { kind: 'miss', skipped: lines.find((line) => line.text.startsWith(RESTORE_SKIPPED))?.text };
}

/**
 * The SDK's restoreCache, with `check` between the download and the extraction; undefined for a miss. Faults throw
 * (where the SDK would warn), and the caller turns them into one message.
 */
async function restoreChecked(paths: string[], primaryKey: string, restoreKeys: string[], check: ArchiveCheck): Promise<Restored | undefined> {
  // The host's stub: entries the developer saved on this machine, extracted without the check.
  if (stubbedByHost()) {
    const key = await cache.restoreCache(paths, primaryKey, restoreKeys);
    return key ? { key } : undefined;
  }
  const mode = getCacheMode();
  if (!isCacheReadable(mode)) {
    console.log(`${RESTORE_SKIPPED}: the effective cache-mode '${mode}' does not permit reads.`);
    return undefined;
  }
  const compression = await cacheUtils.getCompressionMethod();
  const find = getCacheServiceVersion() === 'v2' ? findV2 : findV1;
  const found = await find(paths, primaryKey, restoreKeys, compression);
  if (!found) return undefined;
  const folder = await cacheUtils.createTempDirectory();
  try {
    const archivePath = join(folder, cacheUtils.getCacheFileName(compression));
    await cacheHttpClient.downloadCache(found.url, archivePath, found.options);
    const refused = await check(archivePath, compression as ArchiveCompression);
    if (refused) return { key: found.key, refused };
    await extractTar(archivePath, compression);
    return { key: found.key };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

interface FoundEntry {
  key: string;
  url: string;
  options?: { useAzureSdk: boolean };
}

async function findV1(paths: string[], primaryKey: string, restoreKeys: string[], compression: CompressionMethod): Promise<FoundEntry | undefined> {
  const entry = await cacheHttpClient.getCacheEntry([primaryKey, ...restoreKeys], paths, { compressionMethod: compression, enableCrossOsArchive: false });
  return entry?.archiveLocation && entry.cacheKey ? { key: entry.cacheKey, url: entry.archiveLocation } : undefined;
}

async function findV2(paths: string[], primaryKey: string, restoreKeys: string[], compression: CompressionMethod): Promise<FoundEntry | undefined> {
  const version = cacheUtils.getCacheVersion(paths, compression, false);
  const response = await internalCacheTwirpClient().GetCacheEntryDownloadURL({ key: primaryKey, restoreKeys, version });
  // Service v2 hands out Azure blob URLs, which the SDK downloads with the Azure client.
  return response.ok ? { key: response.matchedKey, url: response.signedDownloadUrl, options: { useAzureSdk: true } } : undefined;
}

export async function saveWithSdk(paths: string[], key: string): Promise<SdkSaveOutcome> {
  const { outcome, lines } = await callCacheSdk(() => cache.saveCache(paths, key));
  const said = (fragment: string) => lines.some((line) => line.text.includes(fragment));
  if (said(bundledCache.CACHE_WRITE_DENIED_PREFIX)) return { kind: 'write-denied' };
  const requestFailure = lines.map((line) => RESERVATION_REQUEST_FAILED.exec(line.text)?.[1]).find(Boolean);
  if (!requestFailure && said(RESERVED_ELSEWHERE)) return { kind: 'reserved-elsewhere' };
  const problem = requestFailure?.split(/\r?\n/)[0] ?? firstProblem(outcome, lines);
  if (problem !== undefined) return { kind: 'fault', problem };
  if (outcome.ok && outcome.value !== -1) return { kind: 'saved' };
  return { kind: 'not-saved', skipped: lines.find((line) => line.text.startsWith(SAVE_SKIPPED))?.text };
}

/** The time a cache download may take: SEGMENT_DOWNLOAD_TIMEOUT_MINS, as the SDK reads it. */
function downloadTimeoutMinutes(): number {
  const minutes = Number(process.env.SEGMENT_DOWNLOAD_TIMEOUT_MINS);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_TIMEOUT_MINUTES;
}

/**
 * Runs one SDK call with GITHUB_WORKSPACE as its process.cwd(), with the annotations it raises turned into debug
 * lines and handed back, so that a fault becomes one message of ours rather than the SDK's own warnings and error
 * annotations. Only the call's own output and working folder are its own (by async context): the policy check may
 * print its annotations and resolve its paths while a restore runs.
 */
async function callCacheSdk<T>(call: () => Promise<T>): Promise<{ outcome: SdkOutcome<T>; lines: SdkLine[] }> {
  const lines: SdkLine[] = [];
  try {
    // The runner starts the step in GITHUB_WORKSPACE, so this changes nothing there; it matters to other callers.
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const value = await withCwd(workspace, () => routeStdout((text, onward) => onward(reroute(text, lines)), call));
    return { outcome: { ok: true, value }, lines };
  } catch (error) {
    return { outcome: { ok: false, error }, lines };
  }
}

/** The first problem the call reported (an annotation, or a thrown error), as one line. */
function firstProblem(outcome: SdkOutcome<unknown>, lines: SdkLine[]): string | undefined {
  const raised = lines.find((line) => line.level !== 'info' && line.level !== 'debug')?.text;
  const thrown = outcome.ok ? undefined : outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  const problem = raised ?? thrown;
  return problem?.split(/\r?\n/)[0]?.replace(/^Failed to (restore|save): /, '');
}

function reroute(text: string, lines: SdkLine[]): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => {
      const annotation = ANNOTATION.exec(line);
      if (annotation) {
        const [, level = 'warning', data = '', eol = ''] = annotation;
        lines.push({ level: level as SdkLine['level'], text: unescapeCommandData(data) });
        return `::debug::${data}${eol}`;
      }
      const debug = DEBUG.exec(line);
      if (debug) lines.push({ level: 'debug', text: unescapeCommandData(debug[1] ?? '') });
      else if (TRANSFER_PROGRESS.test(line)) return `::debug::${line.replace(/%/g, '%25')}`;
      else if (line.trim() && !line.startsWith('::')) lines.push({ level: 'info', text: line.trimEnd() });
      return line;
    })
    .join('');
}

/** Undoes @actions/core's escaping of command data. */
function unescapeCommandData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
