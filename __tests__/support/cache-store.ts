import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One cache entry as the test service keeps it: reserved first, readable once committed. */
export interface StoredEntry {
  id: number;
  key: string;
  version: string;
  archivePath: string;
  committed: boolean;
  /** Archive size in bytes, known once committed. */
  size: number;
  /** Commit order; the newest entry wins among prefix matches, as on GitHub. */
  committedSeq: number;
}

/** The entries of the test cache service and their archive files, with GitHub's key matching. */
export class CacheStore {
  private readonly byId = new Map<number, StoredEntry>();
  private nextId = 1;
  private nextSeq = 1;

  constructor(private readonly dir: string) {}

  /** A new empty entry, or undefined when the key and version are already taken (even uncommitted). */
  async reserve(key: string, version: string): Promise<StoredEntry | undefined> {
    if (this.find(key, version)) return undefined;
    const id = this.nextId++;
    const entry: StoredEntry = { id, key, version, archivePath: join(this.dir, `entry-${id}.archive`), committed: false, size: 0, committedSeq: 0 };
    await writeFile(entry.archivePath, new Uint8Array());
    this.byId.set(id, entry);
    return entry;
  }

  get(id: number): StoredEntry | undefined {
    return this.byId.get(id);
  }

  find(key: string, version: string): StoredEntry | undefined {
    return [...this.byId.values()].find((entry) => entry.key === key && entry.version === version);
  }

  /** Commits an uploaded entry when its archive has the announced size; returns why not otherwise. */
  async commit(entry: StoredEntry, size: number): Promise<string | undefined> {
    if (entry.committed) return `entry ${entry.id} is already committed`;
    const actual = (await stat(entry.archivePath)).size;
    if (actual !== size) return `entry ${entry.id} holds ${actual} bytes, not the announced ${size}`;
    entry.committed = true;
    entry.size = size;
    entry.committedSeq = this.nextSeq++;
    return undefined;
  }

  /** Each key in turn: an exact match, else the newest entry whose key starts with it; the version must match. */
  match(keys: string[], version: string): StoredEntry | undefined {
    const readable = [...this.byId.values()].filter((entry) => entry.committed && entry.version === version).sort((a, b) => b.committedSeq - a.committedSeq);
    for (const key of keys) {
      const found = readable.find((entry) => entry.key === key) ?? readable.find((entry) => entry.key.startsWith(key));
      if (found) return found;
    }
    return undefined;
  }

  committed(): StoredEntry[] {
    return [...this.byId.values()].filter((entry) => entry.committed).sort((a, b) => a.committedSeq - b.committedSeq);
  }

  async removeAll(): Promise<void> {
    this.byId.clear();
    await rm(this.dir, { recursive: true, force: true });
  }
}
