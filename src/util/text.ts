import { relative, sep } from 'node:path';

/** A path with forward slashes, as GitHub annotations, cache paths and messages show it on every OS. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** `path` relative to `base`, with forward slashes ('' when they are the same folder). */
export function relativePosix(base: string, path: string): string {
  return toPosix(relative(base, path));
}

/** "1 error", "2 errors": a count with its noun, in the plural unless the count is 1. */
export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nounPlural}`;
}
