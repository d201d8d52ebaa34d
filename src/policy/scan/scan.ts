import type { SourceFile } from '../types.js';
import { lexerUses } from './lexer.js';
import type { Dialect, parserUses } from './parser.js';
import type { ScanResult } from './uses.js';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JSX_FILE = /\.[jt]sx$/;

/** Loaded once, on first need: every later import() of it would resolve the module again. */
let parserModule: Promise<{ parserUses: typeof parserUses }> | undefined;

/**
 * Finds the modules each source file loads. The Wasm lexer reads most files; files that mention `require`, are
 * .jsx or .tsx, or that the lexer cannot read (JSX in a .js file, say) go to sucrase's parser, which reads
 * everything but is several times slower and needs about 50 times a file's size in memory, and is loaded only when
 * some file needs it.
 */
export async function scanSources(files: SourceFile[]): Promise<ScanResult[]> {
  const texts = files.map(({ path, text }) => ({ path, text: withoutByteOrderMark(text) }));
  const lexed = texts.map(lexerScan);
  if (!lexed.includes(undefined)) return lexed as ScanResult[];
  const parser = await (parserModule ??= import('./parser.js'));
  return lexed.map((result, index) => result ?? parserScan(texts[index]!, parser.parserUses));
}

/** A byte order mark hides the first import from the lexer; a space in its place keeps every offset. */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}

/** One file's scan: the lexer's when it can read the file, else undefined (the parser must). */
function lexerScan({ path, text }: SourceFile): ScanResult | undefined {
  if (JSX_FILE.test(path) || text.includes('require')) return undefined;
  try {
    return { uses: lexerUses(text, path) };
  } catch {
    // The parser reads more syntax, and reports a precise error when the file is broken.
    return undefined;
  }
}

function parserScan({ path, text }: SourceFile, parse: typeof parserUses): ScanResult {
  try {
    return { uses: parse(text, dialectOf(path)) };
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
