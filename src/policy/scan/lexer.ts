import { parse } from 'es-module-lexer';
import type { ModuleUse } from './uses.js';

/**
 * Reads the ES module imports of a JavaScript or TypeScript file with es-module-lexer (a Wasm lexer: fast, and
 * it knows TypeScript's type-only forms). It does not see require() and cannot read JSX; the caller sends those
 * files to the full parser. Throws on syntax it cannot read, with `idx` set to the offset.
 */
export function lexerUses(text: string, name: string): ModuleUse[] {
  const [imports] = parse(text, name);
  const uses: ModuleUse[] = [];
  for (const record of imports) {
    if (record.type === 'import-meta') continue;
    if (record.type === 'dynamic') {
      // Only a literal specifier names a package; a template with substitutions is a pattern.
      if (record.specifier === undefined || record.glob) continue;
      uses.push({ specifier: record.specifier, kind: 'dynamic-import', typeOnly: record.probablyTypeOnly, start: record.start, end: record.end });
      continue;
    }
    const isExport = record.type === 'reexport-star' || text.startsWith('export', record.importStart);
    // Static specifier offsets exclude the quotes.
    uses.push({
      specifier: record.specifier,
      kind: isExport ? 'export-from' : 'import',
      typeOnly: record.typeOnly,
      start: record.start - 1,
      end: record.end + 1,
    });
  }
  return uses;
}
