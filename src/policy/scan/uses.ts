/** How a source file refers to a module. */
export type UseKind = 'import' | 'export-from' | 'dynamic-import' | 'require';

/** One module a source file loads, with the position of its specifier's string literal. */
export interface ModuleUse {
  specifier: string;
  kind: UseKind;
  /** `import type`, `export type … from`, or an `import()` in a type position: erased from the emitted JavaScript. */
  typeOnly: boolean;
  /** Offset of the literal's opening quote. */
  start: number;
  /** Offset just past the literal's closing quote. */
  end: number;
}

export interface ScanResult {
  uses: ModuleUse[];
  /** Set when the file could not be parsed: its uses are unknown. */
  error?: { offset: number; message: string };
}

/** The package a bare specifier names (`@pulumi/aws/s3` → `@pulumi/aws`), or undefined for relative paths, URLs and builtins. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined; // node:, file:, https:, data:
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] !== '' ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0];
}
