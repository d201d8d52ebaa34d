import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** True for the error a read gives when the file (or a folder on its path) does not exist. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The file's bytes, or undefined when it does not exist; other errors (permissions, a folder) are thrown. */
export async function readBytesIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The file's text, or undefined when it does not exist; other errors are thrown. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  return (await readBytesIfExists(file))?.toString('utf8');
}

/** The synchronous twin, for the policy reader: thousands of small reads are several times faster without promises. */
export function readTextIfExistsSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The fields of a package.json the action reads about an installed or linked package. */
export interface PackageManifest {
  name?: string;
  version?: string;
  bin?: unknown;
  [field: string]: unknown;
}

/** The package.json in `folder` as an object, or undefined when it is missing, unreadable or not a JSON object. */
export async function readPackageManifest(folder: string): Promise<PackageManifest | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const manifest = parsed as Record<string, unknown>;
    // Only strings count as a name or version: anything else is as good as absent.
    return {
      ...manifest,
      name: typeof manifest['name'] === 'string' ? manifest['name'] : undefined,
      version: typeof manifest['version'] === 'string' ? manifest['version'] : undefined,
    };
  } catch {
    return undefined;
  }
}
