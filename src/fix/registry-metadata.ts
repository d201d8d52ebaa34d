/**
 * Reads packages' metadata (packuments) from the registry npm resolves them from, for fixes that must know what each
 * release depends on. Sends no token: the scope it reads is unrouted (public), and a registry that asks for one says so.
 */

/** What fix reads of one published version. */
export interface VersionMetadata {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** A package's published versions and tags, as the registry lists them. */
export interface Packument {
  versions: Record<string, VersionMetadata>;
  'dist-tags'?: Record<string, string>;
}

/** Where fix gets packuments from: the registry, or a test's table. Rejects with a MetadataError. */
export interface MetadataReader {
  packument(name: string): Promise<Packument>;
}

/** A packument that could not be read: the message names the package and says why. */
export class MetadataError extends Error {}

/** All the reads of one reader finish within this time, together. */
export const METADATA_TIMEOUT_MS = 10_000;
/** A packument larger than this is not read (the abbreviated form of the largest @pulumi provider is a few MB). */
export const MAX_PACKUMENT_BYTES = 64 * 1024 * 1024;

/**
 * A reader of `registry` (a URL ending in `/`): one request per package at most (answers and failures are kept),
 * all of them within `timeoutMs` from the first.
 */
export function registryMetadata(registry: string, timeoutMs = METADATA_TIMEOUT_MS, maxBytes = MAX_PACKUMENT_BYTES): MetadataReader {
  const read = new Map<string, Promise<Packument>>();
  let deadline: number | undefined;
  return {
    packument(name) {
      deadline ??= Date.now() + timeoutMs;
      let answer = read.get(name);
      if (answer === undefined) {
        answer = fetchPackument(registry, name, deadline, { timeoutMs, maxBytes });
        read.set(name, answer);
      }
      return answer;
    },
  };
}

async function fetchPackument(registry: string, name: string, deadline: number, bounds: { timeoutMs: number; maxBytes: number }): Promise<Packument> {
  // npm's own form of a scoped name in a URL: the slash escaped, the @ kept.
  const url = new URL(name.replace('/', '%2f'), registry.endsWith('/') ? registry : `${registry}/`);
  const where = `"${name}" from ${url.origin}`;
  const signal = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  try {
    // The abbreviated form npm installs with: each version's dependencies, without readmes.
    const accept = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8';
    const response = await fetch(url, { headers: { accept }, signal, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel();
      const why = response.status === 401 || response.status === 403 ? ' (it asks for a login, and fix sends no token)' : '';
      throw new MetadataError(`the registry answered ${response.status} for ${where}${why}`);
    }
    const text = await boundedText(response, bounds.maxBytes, where);
    return parsePackument(text, where);
  } catch (error) {
    if (error instanceof MetadataError) throw error;
    if (signal.aborted) throw new MetadataError(`reading ${where} did not finish within ${bounds.timeoutMs / 1000} s`);
    const cause = (error as Error).cause as Error | undefined;
    throw new MetadataError(`${where} could not be read (${cause?.message ?? (error as Error).message})`);
  }
}

/** The body as text, or a MetadataError once it passes `maxBytes`. */
async function boundedText(response: Response, maxBytes: number, where: string): Promise<string> {
  const tooLarge = () => new MetadataError(`the metadata of ${where} is larger than ${maxBytes / (1024 * 1024)} MB`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parsePackument(text: string, where: string): Packument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const versions = (data as Packument | undefined)?.versions;
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) {
    throw new MetadataError(`the registry's answer for ${where} is not package metadata (no "versions")`);
  }
  return data as Packument;
}
