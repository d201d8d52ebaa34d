import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit, type FormattingOptions, type Node } from 'jsonc-parser';
import type { FixEdit } from './plan.js';

/**
 * package.json with `edits` made in place: each one a minimal text edit, so indentation, key order, line endings
 * and the final newline stay as they were. Pure.
 */
export function applyFix(text: string, edits: readonly FixEdit[]): string {
  // The JSON parser does not read a byte order mark: it is set aside and put back.
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const formatting = detectFormatting(text);
  let result = text.slice(bom.length);
  for (const edit of edits) result = applyEdits(result, textEdits(result, edit, formatting));
  return bom + result;
}

/** The text edits of one change. Removing a section's last entry leaves `{}` or `[]`, not an empty block of lines. */
function textEdits(text: string, edit: FixEdit, formatting: FormattingOptions): Edit[] {
  const root = parseTree(text);
  const section = root === undefined ? undefined : findNodeAtLocation(root, [edit.section]);
  const entries = section?.children ?? [];
  if (edit.kind === 'set') return modify(text, [edit.section, edit.name], edit.spec, { formattingOptions: formatting });
  if (section?.type === 'array') {
    const index = entries.findIndex((item) => item.value === edit.name);
    if (index === -1) return [];
    if (entries.length === 1) return modify(text, [edit.section], [], { formattingOptions: formatting });
    // jsonc-parser's own removal from an array can break the text: cut the item and the comma before it (after it, for the first).
    const [start, end] = index === 0 ? [entries[0]!.offset, entries[1]!.offset] : [endOf(entries[index - 1]!), endOf(entries[index]!)];
    return [{ offset: start, length: end - start, content: '' }];
  }
  if (section?.type !== 'object' || !entries.some((property) => property.children?.[0]?.value === edit.name)) return [];
  if (entries.length === 1) return modify(text, [edit.section], {}, { formattingOptions: formatting });
  return modify(text, [edit.section, edit.name], undefined, { formattingOptions: formatting });
}

function endOf(node: Node): number {
  return node.offset + node.length;
}

/** The file's own indentation (the first indented line's) and line ending. */
export function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}
