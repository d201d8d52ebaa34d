// sucrase ships its parser's types under dist/types; these map its CommonJS parser modules to them.
declare module 'sucrase/dist/parser/index.js' {
  export * from 'sucrase/dist/types/parser/index.js';
}
declare module 'sucrase/dist/parser/tokenizer/types.js' {
  export * from 'sucrase/dist/types/parser/tokenizer/types.js';
}
declare module 'sucrase/dist/parser/tokenizer/keywords.js' {
  export * from 'sucrase/dist/types/parser/tokenizer/keywords.js';
}
