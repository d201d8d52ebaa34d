import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions, type JSONPath } from 'jsonc-parser';
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
  for (const edit of edits) {
    const path = pathOf(result, edit);
    if (path === undefined) continue;
    result = applyEdits(result, modify(result, path, edit.kind === 'set' ? edit.spec : undefined, { formattingOptions: formatting }));
  }
  return bom + result;
}

/** Where an edit lands: a key of an object section, or the index of a name in a bundled-dependencies array. */
function pathOf(text: string, edit: FixEdit): JSONPath | undefined {
  const section = findNodeAtLocation(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, [edit.section]);
  if (section?.type !== 'array') return edit.kind === 'remove' && section === undefined ? undefined : [edit.section, edit.name];
  const index = (section.children ?? []).findIndex((item) => item.value === edit.name);
  return index === -1 ? undefined : [edit.section, index];
}

/** The file's own indentation (the first indented line's) and line ending. */
export function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}
