import { LineIndex } from '../positions.js';
import { toPosix } from '../../util/text.js';
import type { FindingMaker, RuleContext, RuleResult } from './context.js';
import { ERROR_IN_EVERY_PRESET, staticRule } from './rule.js';

/** An import names a listed package in another case: it resolves only where file names ignore case (macOS, Windows). */
export const importCase = staticRule('import-case', ERROR_IN_EVERY_PRESET, {
  short: 'Imports name packages as package.json lists them.',
  help:
    'An import whose package name differs from a listed package only in case (`@pulumi/pulumiService` for `@pulumi/pulumiservice`) ' +
    'loads it on a case-insensitive file system (macOS, Windows) and fails on Linux: import the name as listed.',
  readsSources: true,
  everyPackage: true,
  check,
});

/**
 * The listed package each wrong-case import stands for, by the name imported: `@pulumi/pulumiService` →
 * `@pulumi/pulumiservice`. A name listed as imported is never one.
 */
export function wrongCaseImports(context: Pick<RuleContext, 'entries' | 'usage'>): Map<string, string> {
  const listed = new Map(context.entries.map(({ entry }) => [entry.name.toLowerCase(), entry.name]));
  const exact = new Set(context.entries.map(({ entry }) => entry.name));
  const result = new Map<string, string>();
  for (const imported of context.usage.byPackage.keys()) {
    const named = listed.get(imported.toLowerCase());
    if (named !== undefined && !exact.has(imported)) result.set(imported, named);
  }
  return result;
}

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
  return [...wrongCaseImports(context)].map(([imported, named]) => {
    const { file, use } = context.usage.byPackage.get(imported)![0]!;
    const span = new LineIndex(file.text).span(use.start, use.end - use.start);
    const where = `${toPosix(file.path.slice(context.dir.length + 1))} line ${span.start.line}`;
    const message =
      `"${named}" is imported as "${imported}" (${where}): this works only on a case-insensitive file system (macOS, Windows), ` +
      `and fails to load on Linux; import "${named}".`;
    return { finding: finding(file.path, span, message, named) };
  });
}
