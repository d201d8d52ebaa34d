import { parse } from 'sucrase/dist/parser/index.js';
import { ContextualKeyword } from 'sucrase/dist/parser/tokenizer/keywords.js';
import { TokenType as tt } from 'sucrase/dist/parser/tokenizer/types.js';
import type { Token } from 'sucrase/dist/types/parser/tokenizer/index.js';
import type { ModuleUse, UseKind } from './uses.js';

export interface Dialect {
  typescript: boolean;
  jsx: boolean;
}

/**
 * Reads every module use of a file with sucrase's parser (JavaScript, TypeScript and JSX; no AST, just tokens
 * with their type-context flags): static imports, `export … from`, `import()` and `require()` with a literal.
 * Throws a SyntaxError with `pos` on a file it cannot parse.
 */
export function parserUses(text: string, dialect: Dialect): ModuleUse[] {
  const { tokens } = parseWithoutStacks(text, dialect);
  const uses: ModuleUse[] = [];
  const at = (i: number): Token | undefined => tokens[i];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === tt._import && at(i + 1)?.type === tt.parenL) {
      const literal = literalArgument(tokens, i + 2, text);
      if (literal) uses.push({ ...literal, kind: 'dynamic-import', typeOnly: token.isType });
    } else if (token.type === tt._import || token.type === tt._export) {
      const found = statementSource(tokens, i, text);
      if (found) uses.push(found);
    } else if (token.type === tt.name && at(i + 1)?.type === tt.parenL && at(i - 1)?.type !== tt.dot && text.slice(token.start, token.end) === 'require') {
      const literal = literalArgument(tokens, i + 2, text);
      const equals = importEquals(tokens, i);
      if (literal) uses.push({ ...literal, kind: equals ? 'import' : 'require', typeOnly: token.isType || equals === 'type' });
    }
  }
  return uses;
}

/**
 * sucrase's TypeScript parser tries ambiguous syntax (is `a < b` a comparison or type arguments?) and creates an
 * Error for each failed try; without stack traces those cost little, with them they dominate the time.
 */
function parseWithoutStacks(text: string, dialect: Dialect): { tokens: Token[] } {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse(text, dialect.jsx, dialect.typescript, false);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The string literal `from` an import or export statement starting at `index`, if it has one. */
function statementSource(tokens: Token[], index: number, text: string): ModuleUse | undefined {
  const isImport = tokens[index]!.type === tt._import;
  const next = tokens[index + 1];
  if (next === undefined) return undefined;
  // `import "x"`: a side-effect import.
  if (isImport && next.type === tt.string) return stringUse(next, text, 'import', false);
  // `export` only loads a module in `export * from`, `export { … } from` and their `type` forms.
  const typeKeyword = next.type === tt.name && next.contextualKeyword === ContextualKeyword._type;
  const afterType = tokens[index + (typeKeyword ? 2 : 1)];
  if (!isImport && afterType?.type !== tt.star && afterType?.type !== tt.braceL) return undefined;
  // `import type from "x"` imports a default binding named `type`.
  const typeOnly = typeKeyword && !(afterType?.contextualKeyword === ContextualKeyword._from && tokens[index + 3]?.type === tt.string);
  for (let i = index + 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === tt.semi || token.type === tt._import || token.type === tt._export || token.type === tt.eq) return undefined;
    if (token.type === tt.name && token.contextualKeyword === ContextualKeyword._from && tokens[i + 1]?.type === tt.string)
      return stringUse(tokens[i + 1]!, text, isImport ? 'import' : 'export-from', typeOnly);
  }
  return undefined;
}

/** A single string (or substitution-free template) argument followed by `)` or `,`. */
function literalArgument(tokens: Token[], index: number, text: string): Omit<ModuleUse, 'kind' | 'typeOnly'> | undefined {
  const first = tokens[index];
  if (first?.type === tt.string && closesCall(tokens[index + 1])) return stringUse(first, text, 'require', false);
  if (first?.type === tt.backQuote && tokens[index + 1]?.type === tt.template && tokens[index + 2]?.type === tt.backQuote && closesCall(tokens[index + 3])) {
    const body = text.slice(tokens[index + 1]!.start, tokens[index + 1]!.end);
    if (!body.includes('\\')) return { specifier: body, start: first.start, end: tokens[index + 2]!.end };
  }
  return undefined;
}

function closesCall(token: Token | undefined): boolean {
  return token?.type === tt.parenR || token?.type === tt.comma;
}

/** TypeScript's `import T = require("x")` (a value import) or `import type T = require("x")`. */
function importEquals(tokens: Token[], requireIndex: number): 'value' | 'type' | undefined {
  const [eq, , before, keyword] = [1, 2, 3, 4].map((back) => tokens[requireIndex - back]);
  if (eq?.type !== tt.eq) return undefined;
  if (before?.type === tt._import) return 'value';
  return before?.contextualKeyword === ContextualKeyword._type && keyword?.type === tt._import ? 'type' : undefined;
}

function stringUse(token: Token, text: string, kind: UseKind, typeOnly: boolean): ModuleUse | undefined {
  const body = text.slice(token.start + 1, token.end - 1);
  // Package names never need escapes; a specifier written with them is not one we would match.
  if (body.includes('\\')) return undefined;
  return { specifier: body, kind, typeOnly, start: token.start, end: token.end };
}
