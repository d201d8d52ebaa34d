import { parseTree, type Node, type ParseError, type ParseOptions } from 'jsonc-parser';

/** What `jsonTree` gives for a file nested so deeply that building its tree would overflow the stack. */
export const TOO_DEEP = 'too deep';

/**
 * jsonc-parser's parseTree, which recurses once per nesting level: a hostile file nested tens of thousands of
 * levels deep (JSON.parse reads it) would overflow the stack. That is reported as TOO_DEEP, never thrown.
 */
export function jsonTree(text: string, errors: ParseError[] = [], options?: ParseOptions): Node | undefined | typeof TOO_DEEP {
  try {
    return parseTree(text, errors, options);
  } catch (error) {
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
}
