import { lexerUses } from './lexer.js';
import { parserUses, type Dialect } from './parser.js';
import type { ScanResult } from './uses.js';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * Finds the modules a source file loads. The Wasm lexer reads most files; files that mention `require`, contain
 * JSX, or that the lexer cannot read go to sucrase's parser, which reads everything but is several times slower.
 */
export function scanSource(path: string, text: string): ScanResult {
  const dialect = dialectOf(path);
  if (!dialect.jsx && !text.includes('require')) {
    try {
      return { uses: lexerUses(text, path) };
    } catch {
      // Fall through: the parser reads more syntax and reports a precise error when the file is broken.
    }
  }
  try {
    return { uses: parserUses(text, dialect) };
  } catch (error) {
    const offset = typeof (error as { pos?: unknown }).pos === 'number' ? (error as { pos: number }).pos : 0;
    const message = (error instanceof Error ? error.message : String(error)).replace(/ \(\d+:\d+\)$/, '');
    return { uses: [], error: { offset, message } };
  }
}

function dialectOf(path: string): Dialect {
  const extension = path.slice(path.lastIndexOf('.'));
  const typescript = extension === '.ts' || extension === '.tsx' || extension === '.mts' || extension === '.cts';
  // Plain JavaScript may hold JSX; in TypeScript only .tsx may (`<T>x` is a type assertion in .ts).
  return { typescript, jsx: extension === '.tsx' || !typescript };
}
