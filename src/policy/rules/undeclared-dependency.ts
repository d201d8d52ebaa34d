import semver from 'semver';
import { LineIndex } from '../positions.js';
import { isInstalledSection } from '../sections.js';
import { plural } from '../../util/text.js';
import { addCommand, minimumFor, quoteEntry, suggestedRange, type FindingMaker, type RuleContext, type RuleResult } from './context.js';
import { wrongCaseImports } from './import-case.js';
import { ERROR_IN_EVERY_PRESET, type FixContext, staticRule } from './rule.js';

/** Every scope package (or linked package) the sources load is listed in package.json. */
export const undeclaredDependency = staticRule('undeclared-dependency', ERROR_IN_EVERY_PRESET, {
  short: 'Every scope package the sources load is listed.',
  help:
    'A scope package a source file imports or requires is listed in "dependencies" (a linked package in "peerDependencies"). ' +
    '`setup-pulumi-npm fix` adds it with the version npm resolved, or the minimum version.',
  readsSources: true,
  everyPackage: true,
  check,
  fix,
});

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const listed = new Set(context.entries.filter((c) => isInstalledSection(c.entry.section)).map((c) => c.entry.name));
  // A listed package imported with the wrong case is import-case's to report.
  const otherCase = wrongCaseImports(context);
  const results: RuleResult[] = [];
  for (const [name, uses] of context.usage.byPackage) {
    const isLink = context.links.includes(name);
    if (listed.has(name) || otherCase.has(name) || (!isLink && !context.inScope(name)) || context.ignored(name)) continue;
    const others = new Set(uses.map((use) => use.file.path)).size - 1;
    const where = others > 0 ? ` (and in ${plural(others, 'other file')})` : '';
    const how = uses.every((use) => use.use.typeOnly) ? 'imported for its types only' : 'loaded';
    const range = suggestedRange(context, name);
    const remedy = isLink
      ? `add ${quoteEntry(name, context.config.linkedPeerRange)} to "peerDependencies" and install it with npm link ${name}`
      : range === undefined
        ? `add it to "dependencies" with ${addCommand(context, name)}`
        : `add ${quoteEntry(name, range)} to "dependencies"`;
    const message = `"${name}" is ${how} here${where} but package.json does not list it; ${remedy}.`;
    const { file, use } = uses[0]!;
    results.push({ finding: finding(file.path, new LineIndex(file.text).span(use.start, use.end - use.start), message, name) });
  }
  return results;
}

/** Adds a linked package as a peer, and a scope package with the version npm resolved, else its floor (the preset's). */
function fix({ name, options: { config, links }, resolved, set, note, addCommand }: FixContext): void {
  if (links.includes(name)) set('peerDependencies', config.linkedPeerRange, 'preset');
  else {
    const spec = resolvedOrFloor(resolved, minimumFor(config, name));
    if (spec === undefined) note(`neither the lockfile nor a floor gives its version; run ${addCommand} ${name}.`);
    else set('dependencies', spec, spec === `^${resolved}` ? 'policy' : 'preset');
  }
}

/** `^<version>` for the version npm resolved (as `npm install <name>` saves it), unless it is below the floor. */
function resolvedOrFloor(version: string | undefined, minimum: string | undefined): string | undefined {
  if (version !== undefined && semver.valid(version) !== null && (minimum === undefined || !semver.lt(version, minimum))) return `^${version}`;
  return minimum === undefined ? undefined : `^${minimum}`;
}
