import { basename } from 'node:path';
import type { LockfileResult, LockfileWriter } from '../../policy/lockfile.js';
import { LineIndex, type Span } from '../../policy/positions.js';
import type { SourceFile } from '../../policy/types.js';

// What the lockfile readers of pnpm, yarn and bun share: the checks of a text before parsing, and its specs.

/** Larger than any real lockfile (a monorepo's reach a few MiB): parsing more would only cost the run's memory. */
export const MAX_LOCKFILE_CHARS = 64 * 1024 * 1024;

/** The reason, as a finding on the file, that `file` cannot be read. */
export function cannotRead(file: SourceFile, span: Span, detail: string, remedy: string): LockfileResult {
  return { error: { file: file.path, span, message: `${basename(file.path)} cannot be read: ${detail}; ${remedy}.` } };
}

/** A text no reader should parse: too large, or binary. */
export function unreadableText(file: SourceFile, remedy: string): LockfileResult | undefined {
  if (file.text.length > MAX_LOCKFILE_CHARS) return cannotRead(file, START, `it holds ${file.text.length} characters, more than ${MAX_LOCKFILE_CHARS}`, remedy);
  const nul = file.text.indexOf('\0');
  if (nul !== -1) return cannotRead(file, new LineIndex(file.text).span(nul, 1), 'it holds binary data, not text', remedy);
  const deep = tooDeep(file.text);
  if (deep !== undefined) return cannotRead(file, new LineIndex(file.text).span(deep, 1), 'it is nested too deeply', remedy);
  return undefined;
}

/** Real lockfiles nest a few levels: the parsers recurse once per level, slowly (YAML) or until the stack overflows. */
const MAX_BRACKETS = 64;
const MAX_INDENT = 256;

/** The offset where brackets nest, or lines indent, deeper than any lockfile does; quotes are not told apart (no lockfile needs them to be). */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a /* \n */) indent = 0;
    else if (code === 0x20 && indent >= 0) {
      if (++indent > MAX_INDENT) return i;
    } else {
      indent = -1;
      if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
        if (++depth > MAX_BRACKETS) return i;
      } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** The reader's error, caught: a parser's exception (a stack overflow on deep nesting, say) becomes a finding. */
export function readSafely(file: SourceFile, remedy: string, read: () => LockfileResult): LockfileResult {
  try {
    return unreadableText(file, remedy) ?? read();
  } catch (error) {
    const detail = error instanceof RangeError ? 'it is nested too deeply' : (error as Error).message.split('\n')[0]!;
    return cannotRead(file, START, detail, remedy);
  }
}

export const START: Span = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** `<name>@<rest>` split at the `@` after the name (a scoped name starts with one): undefined without it. */
export function splitAtName(text: string): { name: string; rest: string } | undefined {
  const at = text.indexOf('@', text.startsWith('@') ? text.indexOf('/') + 1 : 1);
  return at <= 0 ? undefined : { name: text.slice(0, at), rest: text.slice(at + 1) };
}

/** The folder a local spec (`link:`, `file:`, `workspace:`, `portal:`) names; undefined for any other spec. */
export function localTarget(spec: string): string | undefined {
  const local = /^(?:link|file|workspace|portal):(.*)$/.exec(spec);
  return local?.[1];
}

/** True for an http(s) URL. */
export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/** A manager other than npm, which fetches a lockfile's URLs as written: its install commands and scope config for messages. */
export function lockfileWriter(install: string, frozenInstall: string, scopeConfig: string): LockfileWriter {
  const name = install.split(' ')[0]!;
  return { name, install, add: `${name} add`, frozenInstall, scopeConfig, replacesRegistryHost: false };
}
