import type { JSONPath } from 'jsonc-parser';
import type { Lockfile, LockfileResult, LockfileWriter, LockPackage, LockTree } from '../../policy/lockfile.js';
import { LineIndex, type Span } from '../../policy/positions.js';
import type { SourceFile } from '../../policy/types.js';
import { cannotRead, isUrl, localTarget, splitAtName } from '../lockfile/text.js';

// yarn 1's lockfile (also what `bun bun.lockb` prints): blocks of `"<name>@<spec>", ...:` with indented fields
// (`version "1.0.0"`, `resolved "<url>"`, and nested lists such as `dependencies:`). Read here line by line, keeping
// where each key and value is: @yarnpkg/lockfile's parser gives no positions.

/** One field of a block: its value and where its key and value are. */
interface Field {
  value: string;
  key: Span;
  span: Span;
}

interface Block {
  keyText: string;
  key: Span;
  fields: Map<string, Field>;
}

const KEY_LINE = /^(\S.*):\s*$/;
const FIELD_LINE = /^( +)("(?:[^"\\]|\\.)*"|[^\s"]+)(?:\s+(.*?))?\s*$/;
const PATTERN = /\s*("(?:[^"\\]|\\.)*"|[^,]+?)\s*(?:,|$)/g;

/**
 * Reads yarn 1's text into the policy's model: an entry per block, keyed by its line of patterns, and found by
 * each pattern (`<name>@<spec>`); a name with one entry only is the one in node_modules.
 */
export function readYarnClassic(file: SourceFile, writer: LockfileWriter, remedy: string): LockfileResult {
  const lines = new LineIndex(file.text);
  const blocks = new Map<string, Block>();
  let block: Block | undefined;
  let offset = 0;
  for (const line of file.text.split(/\r?\n|\r/)) {
    const start = offset;
    offset += line.length + (file.text[start + line.length] === '\r' && file.text[start + line.length + 1] === '\n' ? 2 : 1);
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const keyLine = KEY_LINE.exec(line);
    if (keyLine && !line.startsWith(' ')) {
      block = { keyText: keyLine[1]!, key: lines.span(start, keyLine[1]!.length), fields: new Map() };
      blocks.set(block.keyText, block);
      continue;
    }
    const field = FIELD_LINE.exec(line);
    if (block === undefined || field === undefined || field === null) {
      return cannotRead(file, lines.span(start, line.length), 'this line is not part of a yarn 1 lockfile', remedy);
    }
    // Only a block's own fields matter (`version`, `resolved`, `integrity`); nested lists are skipped.
    if (field[1]!.length !== 2 || field[3] === undefined) continue;
    const valueStart = start + line.indexOf(field[3], field[1]!.length + field[2]!.length);
    block.fields.set(unquote(field[2]!), {
      value: unquote(field[3]),
      key: lines.span(start + field[1]!.length, field[2]!.length),
      span: lines.span(valueStart, field[3].length),
    });
  }
  const tree = classicTree(blocks);
  const locate: Lockfile['locate'] = (where, part) => {
    const found = blocks.get(String(where[0]));
    if (found === undefined) return lines.span(0, 0);
    if (where.length === 1) return found.key;
    const field = found.fields.get(String(where[1]));
    if (field === undefined) return found.key;
    return part === 'key' ? field.key : part === 'value' ? field.span : { start: field.key.start, end: field.span.end };
  };
  return { lockfile: { file: file.path, writer, ...tree, locate } };
}

function classicTree(blocks: Map<string, Block>): LockTree {
  const tree: LockTree & { installed: Map<string, LockPackage>; bySpec: Map<string, LockPackage> } = {
    version: 1,
    packages: new Map(),
    installed: new Map(),
    bySpec: new Map(),
  };
  const byName = new Map<string, LockPackage[]>();
  for (const block of blocks.values()) {
    const patterns = [...block.keyText.matchAll(PATTERN)].map((match) => unquote(match[1]!)).filter((pattern) => pattern !== '');
    const first = splitAtName(patterns[0] ?? '');
    if (first === undefined) continue;
    const where: JSONPath = [block.keyText];
    const entry: LockPackage = { path: block.keyText, name: first.name, link: false, optional: false, where };
    const version = block.fields.get('version')?.value;
    if (version !== undefined) entry.version = version;
    const resolved = block.fields.get('resolved')?.value;
    const integrity = block.fields.get('integrity')?.value;
    if (integrity !== undefined) entry.integrity = integrity;
    // A local package (`file:`, `link:`, a workspace) has no `resolved` (yarn), or its path there (bun).
    const local = resolved !== undefined && isUrl(resolved) ? undefined : (localTarget(first.rest) ?? localTarget(resolved ?? ''));
    if (local !== undefined) {
      entry.link = true;
      entry.resolved = (localTarget(resolved ?? '') ?? resolved ?? local).replace(/^\.\//, '');
    } else if (resolved !== undefined) entry.resolved = resolved;
    tree.packages.set(block.keyText, entry);
    byName.set(first.name, [...(byName.get(first.name) ?? []), entry]);
    for (const pattern of patterns) tree.bySpec.set(pattern, entry);
  }
  for (const [name, entries] of byName) if (entries.length === 1) tree.installed.set(`node_modules/${name}`, entries[0]!);
  return tree;
}

/** A key or value as yarn writes it: JSON-quoted when it must be, bare otherwise. */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}
