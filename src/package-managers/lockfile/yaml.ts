import type { JSONPath } from 'jsonc-parser';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import type { Lockfile, LockfileResult } from '../../policy/lockfile.js';
import { LineIndex } from '../../policy/positions.js';
import type { SourceFile } from '../../policy/types.js';
import { cannotRead } from './text.js';

/** A YAML lockfile (pnpm-lock.yaml, yarn 2+'s yarn.lock) as data, and where each path of it is. */
export interface YamlLockfile {
  data: unknown;
  locate: Lockfile['locate'];
}

/** Parses a YAML lockfile, or says where its first syntax error is. */
export function readYaml(file: SourceFile, remedy: string): YamlLockfile | LockfileResult {
  // A key twice is an error (as pnpm's parser makes it): the entry a reader took could be the other one.
  const document = parseDocument(file.text);
  const lines = new LineIndex(file.text);
  const error = document.errors[0];
  if (error !== undefined) {
    const [start, end] = error.pos;
    return cannotRead(file, lines.span(start, end - start), `it is not valid YAML (${error.message.split('\n')[0]!})`, remedy);
  }
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  const locate: Lockfile['locate'] = (where, part) => {
    const found = find(document.contents, where);
    const key = found?.key?.range ?? undefined;
    const value = found?.value?.range ?? undefined;
    const [start, end] = part === 'key' ? (key ?? [0, 0]) : part === 'value' ? (value ?? [0, 0]) : [(key ?? value ?? [0])[0], (value ?? key ?? [0, 0])[1]];
    return lines.span(start, end - start);
  };
  return { data, locate };
}

/** The node at a path, with its key; undefined when the path leads nowhere. */
function find(root: unknown, where: JSONPath): { key?: Node; value?: Node } | undefined {
  let found: { key?: Node; value?: Node } = { value: root as Node };
  for (const segment of where) {
    const node = found.value;
    if (isMap(node)) {
      const pair = node.items.find((item: Pair) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) return undefined;
      found = { key: pair.key as Node, value: pair.value as Node };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return undefined;
      found = { value: item as Node };
    } else return undefined;
  }
  return found;
}

export function isYamlLockfile(read: YamlLockfile | LockfileResult): read is YamlLockfile {
  return 'data' in read;
}
