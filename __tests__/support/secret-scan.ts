import { AssertionError } from 'node:assert';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

export interface SecretHit {
  /** The file (with `>member` for what sits inside an archive) or `text:<name>`, and the form found. */
  where: string;
  /** The bytes around the hit, with every form of the secret masked. */
  excerpt: string;
}

export interface ScanPlaces {
  dirs?: string[];
  files?: string[];
  texts?: Record<string, string>;
}

/** All content read or decompressed in one scan; past it the scan fails rather than skip anything. */
const SCAN_BUDGET_BYTES = 200 * 1024 * 1024;
const EXCERPT_CONTEXT_BYTES = 30;
const MIN_SECRET_LENGTH = 8;
const ZSTD_TIMEOUT_MS = 60_000;
const MASK = '[secret]';

/** Every regular file under dir, recursively; symlinks are not followed, so nothing outside is read. */
export async function listRegularFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listRegularFiles(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files.sort();
}

interface SecretForm {
  form: string;
  needle: Buffer;
}

/**
 * The secret as written verbatim, URL-encoded, and base64/base64url-encoded at each of the three
 * byte alignments it can take inside a longer encoded value (e.g. `_auth=base64(user:token)`).
 */
function secretForms(secret: string): SecretForm[] {
  const raw = Buffer.from(secret, 'utf8');
  const forms: SecretForm[] = [{ form: 'verbatim', needle: raw }];
  const urlEncoded = encodeURIComponent(secret);
  if (urlEncoded !== secret) forms.push({ form: 'URL-encoded', needle: Buffer.from(urlEncoded) });
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // Keep only the 4-char groups made of secret bytes alone.
    const core = encoded.slice(shift === 0 ? 0 : 4, Math.floor((shift + raw.length) / 3) * 4);
    if (core.length < MIN_SECRET_LENGTH) continue;
    forms.push({ form: 'base64', needle: Buffer.from(core) });
    const urlSafe = core.replace(/\+/g, '-').replace(/\//g, '_');
    if (urlSafe !== core) forms.push({ form: 'base64url', needle: Buffer.from(urlSafe) });
  }
  return forms;
}

class Scan {
  readonly hits: SecretHit[] = [];
  private readonly forms: SecretForm[];
  private readonly longestNeedle: number;
  private budget = SCAN_BUDGET_BYTES;

  constructor(secret: string) {
    this.forms = secretForms(secret);
    this.longestNeedle = Math.max(...this.forms.map(({ needle }) => needle.length));
  }

  /** Searches content; archives (by magic bytes, whatever their name) are searched member by member. */
  async content(content: Buffer, where: string): Promise<void> {
    if (isGzip(content)) {
      this.search(content, where);
      const inflated = unreadable(where, () => gunzipSync(content, { maxOutputLength: Math.max(1, this.budget) }));
      await this.content(inflated, `${where}>gunzip`);
    } else if (isZstd(content)) {
      await this.content(await unzstd(content, where, this.budget), `${where}>unzstd`);
    } else if (isTar(content)) {
      for (const member of await readTar(content, where)) {
        this.search(Buffer.from(`${member.name}\n${member.linkname}`), `${where}>${member.name} (name)`);
        await this.content(member.data, `${where}>${member.name}`);
      }
    } else {
      this.search(content, where);
    }
  }

  private search(content: Buffer, where: string): void {
    this.budget -= content.length;
    if (this.budget < 0) throw new Error(`secret scan: more than ${SCAN_BUDGET_BYTES} bytes to search (at ${where})`);
    for (const { form, needle } of this.forms) {
      const index = content.indexOf(needle);
      if (index >= 0) this.hits.push({ where: `${where} (${form})`, excerpt: this.excerpt(content, index, index + needle.length) });
    }
  }

  /** The context around [start, end) with every byte that belongs to any form of the secret masked. */
  private excerpt(content: Buffer, start: number, end: number): string {
    const from = Math.max(0, start - EXCERPT_CONTEXT_BYTES);
    const to = Math.min(content.length, end + EXCERPT_CONTEXT_BYTES);
    const scanFrom = Math.max(0, from - this.longestNeedle);
    const region = content.subarray(scanFrom, Math.min(content.length, to + this.longestNeedle));
    const masked = new Array<boolean>(to - from).fill(false);
    for (const { needle } of this.forms) {
      for (let at = region.indexOf(needle); at >= 0; at = region.indexOf(needle, at + 1)) {
        for (let offset = 0; offset < needle.length; offset++) {
          const position = scanFrom + at + offset - from;
          if (position >= 0 && position < masked.length) masked[position] = true;
        }
      }
    }
    let text = '';
    for (let position = 0; position < masked.length; position++) {
      if (masked[position]) {
        if (!masked[position - 1]) text += MASK;
        continue;
      }
      const byte = content[from + position]!;
      text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
    }
    return text;
  }
}

/** Runs a decoder, naming the archive when it cannot be read: a scan never skips what it cannot open. */
function unreadable<T>(where: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new Error(`secret scan: cannot read ${where}: ${(error as Error).message}`, { cause: error });
  }
}

interface TarMember {
  name: string;
  linkname: string;
  data: Buffer;
}

async function readTar(content: Buffer, where: string): Promise<TarMember[]> {
  const members: TarMember[] = [];
  const extractor = extract();
  const collect = async (): Promise<void> => {
    for await (const entry of extractor) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk);
      members.push({ name: entry.header.name, linkname: entry.header.linkname ?? '', data: Buffer.concat(chunks) });
    }
  };
  try {
    await Promise.all([pipeline(Readable.from([content]), extractor), collect()]);
  } catch (error) {
    throw new Error(`secret scan: cannot read ${where}: ${(error as Error).message}`, { cause: error });
  }
  return members;
}

function isGzip(content: Buffer): boolean {
  return content.length > 2 && content[0] === 0x1f && content[1] === 0x8b;
}

function isZstd(content: Buffer): boolean {
  return content.length > 4 && content.readUInt32LE(0) === 0xfd2fb528;
}

function isTar(content: Buffer): boolean {
  return content.length >= 512 && content.subarray(257, 262).toString('latin1') === 'ustar';
}

/** zstd via the zstd CLI (as @actions/cache uses it); its absence fails the scan instead of skipping the archive. */
function unzstd(content: Buffer, where: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // --long=30: the window @actions/cache compresses with.
    const child = spawn('zstd', ['-dc', '--long=30'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: ZSTD_TIMEOUT_MS });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => reject(new Error(`secret scan: cannot look inside ${where}: zstd: ${error.message}`)));
    child.on('close', (code) => {
      if (size > maxBytes) reject(new Error(`secret scan: ${where} decompresses to more than the ${SCAN_BUDGET_BYTES}-byte scan budget`));
      else if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`secret scan: zstd cannot decompress ${where}: ${Buffer.concat(errors).toString().trim()}`));
    });
    child.stdin.on('error', () => {
      // zstd stopped reading; its exit status tells why.
    });
    child.stdin.end(content);
  });
}

/**
 * Searches every file under the dirs (recursively, inside archives too), the files and the texts
 * for the secret in any of its forms.
 */
export async function findSecret(secret: string, places: ScanPlaces): Promise<SecretHit[]> {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`secret scan: a secret of ${secret.length} characters is too short to search for`);
  const scan = new Scan(secret);
  const files = [...(places.files ?? [])];
  for (const dir of places.dirs ?? []) files.push(...(await listRegularFiles(dir)));
  for (const file of files) await scan.content(await readFile(file), file);
  for (const [name, text] of Object.entries(places.texts ?? {})) await scan.content(Buffer.from(text, 'utf8'), `text:${name}`);
  return scan.hits;
}

/** Fails with the list of places the secret was found (masked), or returns when there is none. */
export async function assertNoSecret(secret: string, places: ScanPlaces): Promise<void> {
  const hits = await findSecret(secret, places);
  if (hits.length === 0) return;
  const list = hits.map((hit) => `  ${hit.where}: ${hit.excerpt}`).join('\n');
  throw new AssertionError({ message: `the secret was found in ${hits.length} place(s):\n${list}` });
}
