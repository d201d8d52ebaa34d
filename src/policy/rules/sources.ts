import { findingAt } from '../finding.js';
import { LineIndex } from '../positions.js';
import type { SourceUse } from '../scan/usage.js';
import type { Finding } from '../types.js';
import { INSTALLED_SECTIONS, quoteEntry, type RuleContext, type RuleResult } from './context.js';

/** strict-dependencies: every listed scope package and linked package is loaded by the sources (or implied). */
export function strictDependencies(context: RuleContext): RuleResult[] {
  const severity = context.severity('strict-dependencies');
  if (severity === undefined) return [];
  const { usage } = context;
  // Unused-package findings must be right: with no sources, or a file whose imports are unknown, they cannot be.
  if (usage.failures.length > 0) {
    return usage.failures.map(({ file, offset, message }) => ({
      finding: findingAt(
        'strict-dependencies',
        'warning',
        file.path,
        new LineIndex(file.text).span(offset, 0),
        `This file cannot be parsed (${message}), so what it imports is unknown and unused packages are not reported for this program; fix the syntax.`,
      ),
    }));
  }
  if (usage.sourceCount === 0) return [];
  const scopeUsed = [...usage.byPackage.keys()].some((name) => context.inScope(name));
  const results: RuleResult[] = [];
  for (const { entry, role } of context.entries) {
    if (role === 'other' || !INSTALLED_SECTIONS.has(entry.section)) continue;
    if (usage.byPackage.has(entry.name) || context.implied.implied.has(entry.name)) continue;
    // A linked package is the peer every scope package loads at run time.
    if (role === 'link' && scopeUsed) continue;
    const unmet = context.implied.unmet.get(entry.name);
    const why = unmet === undefined ? 'no source file imports or requires it' : `no source file imports it and ${unmet}`;
    const message =
      `"${entry.name}" is listed in ${entry.section} but ${why}; remove it, ` + `since programs should list only the packages they strictly depend on.`;
    results.push({ finding: findingAt('strict-dependencies', severity, context.manifest.file, entry.span, message, entry.name), entry });
  }
  return results;
}

/** undeclared-dependency: every scope package (or linked package) the sources load is listed in package.json. */
export function undeclaredDependency(context: RuleContext): RuleResult[] {
  const severity = context.severity('undeclared-dependency');
  if (severity === undefined) return [];
  const listed = new Set(context.entries.filter((c) => INSTALLED_SECTIONS.has(c.entry.section)).map((c) => c.entry.name));
  const results: RuleResult[] = [];
  for (const [name, uses] of context.usage.byPackage) {
    const isLink = context.links.includes(name);
    if (listed.has(name) || (!isLink && !context.inScope(name)) || context.config.ignorePackages.includes(name)) continue;
    const first = uses[0]!;
    const others = new Set(uses.map((use) => use.file.path)).size - 1;
    const where = others > 0 ? ` (and in ${others} other file${others > 1 ? 's' : ''})` : '';
    const how = uses.every((use) => use.use.typeOnly) ? 'imported for its types only' : 'loaded';
    const fix = isLink
      ? `add ${quoteEntry(name, context.config.linkedPeerRange)} to "peerDependencies" and install it with npm link ${name}`
      : `add ${quoteEntry(name, `^${context.config.minimumVersion}`)} to "dependencies"`;
    const message = `"${name}" is ${how} here${where} but package.json does not list it; ${fix}.`;
    results.push({ finding: useFinding(first, severity, message, name) });
  }
  return results;
}

function useFinding({ file, use }: SourceUse, severity: Finding['severity'], message: string, name: string): Finding {
  return findingAt('undeclared-dependency', severity, file.path, new LineIndex(file.text).span(use.start, use.end - use.start), message, name);
}
