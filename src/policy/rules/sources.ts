import { LineIndex } from '../positions.js';
import { isInstalledSection } from '../sections.js';
import { plural } from '../../util/text.js';
import { quoteEntry, suggestedRange, type FindingMaker, type RuleContext, type RuleResult } from './context.js';

/** strict-dependencies: every listed scope package and linked package is loaded by the sources (or implied). */
export function strictDependencies(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const { usage } = context;
  // Unused-package findings must be right: with no sources, or a file whose imports are unknown, they cannot be.
  // An unparsable file is a warning whatever the rule's level: it stops the check rather than breaks a rule.
  if (usage.failures.length > 0) {
    return usage.failures.map(({ file, offset, message }) => ({
      finding: {
        ...finding(
          file.path,
          new LineIndex(file.text).span(offset, 0),
          `This file cannot be parsed (${message}), so what it imports is unknown and unused packages are not reported for this program; fix the syntax.`,
        ),
        severity: 'warning',
      },
    }));
  }
  if (usage.sourceCount === 0) return [];
  const scopeUsed = [...usage.byPackage.keys()].some((name) => context.inScope(name));
  const results: RuleResult[] = [];
  for (const { entry, role } of context.entries) {
    if (role === 'other' || !isInstalledSection(entry.section)) continue;
    if (usage.byPackage.has(entry.name) || context.implied.implied.has(entry.name)) continue;
    // A linked package is the peer every scope package loads at run time.
    if (role === 'link' && scopeUsed) continue;
    const unmet = context.implied.unmet.get(entry.name);
    const why = unmet === undefined ? 'no source file imports or requires it' : `no source file imports it and ${unmet}`;
    const message =
      `"${entry.name}" is listed in ${entry.section} but ${why}; remove it, since programs should list only the packages they strictly ` +
      `depend on (a package loaded without an import goes under "implied" in the policy file).`;
    results.push({ finding: finding(context.manifest.file, entry.span, message, entry.name), entry });
  }
  return results;
}

/** undeclared-dependency: every scope package (or linked package) the sources load is listed in package.json. */
export function undeclaredDependency(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const listed = new Set(context.entries.filter((c) => isInstalledSection(c.entry.section)).map((c) => c.entry.name));
  const results: RuleResult[] = [];
  for (const [name, uses] of context.usage.byPackage) {
    const isLink = context.links.includes(name);
    if (listed.has(name) || (!isLink && !context.inScope(name)) || context.ignored(name)) continue;
    const others = new Set(uses.map((use) => use.file.path)).size - 1;
    const where = others > 0 ? ` (and in ${plural(others, 'other file')})` : '';
    const how = uses.every((use) => use.use.typeOnly) ? 'imported for its types only' : 'loaded';
    const range = suggestedRange(context, name);
    const fix = isLink
      ? `add ${quoteEntry(name, context.config.linkedPeerRange)} to "peerDependencies" and install it with npm link ${name}`
      : range === undefined
        ? `add it to "dependencies" with npm install ${name}`
        : `add ${quoteEntry(name, range)} to "dependencies"`;
    const message = `"${name}" is ${how} here${where} but package.json does not list it; ${fix}.`;
    const { file, use } = uses[0]!;
    results.push({ finding: finding(file.path, new LineIndex(file.text).span(use.start, use.end - use.start), message, name) });
  }
  return results;
}
