export const id = 455;
export const ids = [455];
export const modules = {

/***/ 3836:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parserUses: () => (/* binding */ parserUses)
/* harmony export */ });
/* harmony import */ var sucrase_dist_parser_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4145);
/* harmony import */ var sucrase_dist_parser_tokenizer_keywords_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(135);
/* harmony import */ var sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5914);



/**
 * Reads every module use of a file with sucrase's parser (JavaScript, TypeScript and JSX; no AST, just tokens
 * with their type-context flags): static imports, `export … from`, `import()` and `require()` with a literal.
 * Throws a SyntaxError with `pos` on a file it cannot parse.
 */
function parserUses(text, dialect) {
    const { tokens } = parseWithoutStacks(text, dialect);
    const uses = [];
    const at = (i) => tokens[i];
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        if (token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._import && at(i + 1)?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.parenL) {
            const literal = literalArgument(tokens, i + 2, text);
            if (literal)
                uses.push({ ...literal, kind: 'dynamic-import', typeOnly: token.isType });
        }
        else if (token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._import || token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._export) {
            const found = statementSource(tokens, i, text);
            if (found)
                uses.push(found);
        }
        else if (token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.name && at(i + 1)?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.parenL && at(i - 1)?.type !== sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.dot && text.slice(token.start, token.end) === 'require') {
            const literal = literalArgument(tokens, i + 2, text);
            const equals = importEquals(tokens, i);
            if (literal)
                uses.push({ ...literal, kind: equals ? 'import' : 'require', typeOnly: token.isType || equals === 'type' });
        }
    }
    return uses;
}
/**
 * sucrase's TypeScript parser tries ambiguous syntax (is `a < b` a comparison or type arguments?) and creates an
 * Error for each failed try; without stack traces those cost little, with them they dominate the time.
 */
function parseWithoutStacks(text, dialect) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return (0,sucrase_dist_parser_index_js__WEBPACK_IMPORTED_MODULE_0__.parse)(text, dialect.jsx, dialect.typescript, false);
    }
    finally {
        Error.stackTraceLimit = limit;
    }
}
/** The string literal `from` an import or export statement starting at `index`, if it has one. */
function statementSource(tokens, index, text) {
    const isImport = tokens[index].type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._import;
    const next = tokens[index + 1];
    if (next === undefined)
        return undefined;
    // `import "x"`: a side-effect import.
    if (isImport && next.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.string)
        return stringUse(next, text, 'import', false);
    // `export` only loads a module in `export * from`, `export { … } from` and their `type` forms.
    const typeKeyword = next.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.name && next.contextualKeyword === sucrase_dist_parser_tokenizer_keywords_js__WEBPACK_IMPORTED_MODULE_1__.ContextualKeyword._type;
    const afterType = tokens[index + (typeKeyword ? 2 : 1)];
    if (!isImport && afterType?.type !== sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.star && afterType?.type !== sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.braceL)
        return undefined;
    // `import type from "x"` imports a default binding named `type`.
    const typeOnly = typeKeyword && !(afterType?.contextualKeyword === sucrase_dist_parser_tokenizer_keywords_js__WEBPACK_IMPORTED_MODULE_1__.ContextualKeyword._from && tokens[index + 3]?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.string);
    for (let i = index + 1; i < tokens.length; i++) {
        const token = tokens[i];
        if (token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.semi || token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._import || token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._export || token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.eq)
            return undefined;
        if (token.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.name && token.contextualKeyword === sucrase_dist_parser_tokenizer_keywords_js__WEBPACK_IMPORTED_MODULE_1__.ContextualKeyword._from && tokens[i + 1]?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.string)
            return stringUse(tokens[i + 1], text, isImport ? 'import' : 'export-from', typeOnly);
    }
    return undefined;
}
/** A single string (or substitution-free template) argument followed by `)` or `,`. */
function literalArgument(tokens, index, text) {
    const first = tokens[index];
    if (first?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.string && closesCall(tokens[index + 1]))
        return stringUse(first, text, 'require', false);
    if (first?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.backQuote && tokens[index + 1]?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.template && tokens[index + 2]?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.backQuote && closesCall(tokens[index + 3])) {
        const body = text.slice(tokens[index + 1].start, tokens[index + 1].end);
        if (!body.includes('\\'))
            return { specifier: body, start: first.start, end: tokens[index + 2].end };
    }
    return undefined;
}
function closesCall(token) {
    return token?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.parenR || token?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.comma;
}
/** TypeScript's `import T = require("x")` (a value import) or `import type T = require("x")`. */
function importEquals(tokens, requireIndex) {
    const [eq, , before, keyword] = [1, 2, 3, 4].map((back) => tokens[requireIndex - back]);
    if (eq?.type !== sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType.eq)
        return undefined;
    if (before?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._import)
        return 'value';
    return before?.contextualKeyword === sucrase_dist_parser_tokenizer_keywords_js__WEBPACK_IMPORTED_MODULE_1__.ContextualKeyword._type && keyword?.type === sucrase_dist_parser_tokenizer_types_js__WEBPACK_IMPORTED_MODULE_2__.TokenType._import ? 'type' : undefined;
}
function stringUse(token, text, kind, typeOnly) {
    const body = text.slice(token.start + 1, token.end - 1);
    // Package names never need escapes; a specifier written with them is not one we would match.
    if (body.includes('\\'))
        return undefined;
    return { specifier: body, kind, typeOnly, start: token.start, end: token.end };
}


/***/ })

};
