import semver from 'semver';
import type { ManifestEntry } from '../manifest.js';
import { lowestAdmitted } from '../specs.js';
import { minimumFor, quoteEntry, type ClassifiedEntry, type FindingMaker, type RuleContext, type RuleResult } from './context.js';
import { staticRule } from './rule.js';
import { specProblem } from './spec-problem.js';

/**
 * What must agree. pulumi-0.10: the scope packages in `dependencies` share one release line (0.10, 0.11, …), as the
 * documents of 0.x ask. current: each package has a release line of its own (`@pulumi/pulumi` 3, `@pulumi/random` 4),
 * so only one package's own ranges are compared: across this package.json's sections, and with the workspace root's
 * package.json for a member, they admit a common version.
 */
export const consistentVersions = staticRule(
  'consistent-versions',
  { 'pulumi-0.10': 'warn', current: 'warn' },
  {
    short: "Scope packages' versions agree where they must.",
    help:
      'pulumi-0.10: the @pulumi packages of a 0.x release are made to work together: keep them on the same minor version. current: ' +
      'each package has its own release line, but the ranges one package has in a program (its package.json sections, a workspace ' +
      "root's package.json and its members') must admit a common version. Give them one range, then run the install and commit the lockfile.",
    check: (context, finding) => (context.config.preset === 'pulumi-0.10' ? oneReleaseLine(context, finding) : rangesMeet(context, finding)),
  },
);

/** A package.json entry's registry range for its own name (an `npm:` alias installs another package, by design). */
interface Ranged {
  entry: ManifestEntry;
  range: string;
  /** Where the entry is, for a message about another entry: `in devDependencies`. */
  where: string;
}

/**
 * current: each scope package's ranges admit a common version. Each conflict is reported once, on the later entry: a
 * section after the one it conflicts with, or a workspace member's entry against the root's.
 */
function rangesMeet(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const own = context.entries
    .filter((c) => c.role === 'scope' && c.spec.kind === 'range' && c.target === c.entry.name)
    .map((c): Ranged => ({ entry: c.entry, range: c.entry.spec, where: `in ${c.entry.section}` }));
  const root = context.folder === '' ? [] : rootRanges(context);
  const results: RuleResult[] = [];
  for (const [index, { entry, range }] of own.entries()) {
    const sameName = (other: Ranged) => other.entry.name === entry.name;
    const inThisFile = own.slice(0, index).filter(sameName);
    const conflict = inThisFile.find((other) => !meet(range, other.range));
    const rootConflict = conflict ? undefined : root.filter(sameName).find((other) => !meet(range, other.range));
    if (!conflict && !rootConflict) continue;
    const other = (conflict ?? rootConflict)!;
    const consequence = conflict
      ? 'no version meets both, yet one copy is installed for both; give the two sections one range'
      : 'no version meets both, so the workspace installs a second copy of it for this package; give both package.json files one range';
    const message =
      `"${entry.name}" is ${JSON.stringify(range)} in ${entry.section} and ${JSON.stringify(other.range)} ${other.where}: ${consequence}, ` +
      `then run ${context.lockfile?.writer.install ?? 'npm install'}.`;
    results.push({ finding: finding(context.manifest.file, entry.valueSpan, message, entry.name), entry });
  }
  return results;
}

/** The scope packages' registry ranges in the workspace root's package.json, when this package.json is one of its members. */
function rootRanges(context: RuleContext): Ranged[] {
  return (context.workspaceRoot?.entries ?? [])
    .filter((entry) => context.inScope(entry.name) && !context.ignored(entry.name) && semver.validRange(entry.spec) !== null)
    .map((entry) => ({ entry, range: entry.spec, where: `in ${entry.section} of the workspace root's package.json` }));
}

/** Two ranges admit a common version (a range semver cannot compare counts as meeting: no finding on a guess). */
function meet(a: string, b: string): boolean {
  try {
    return semver.intersects(a, b, { includePrerelease: true });
  } catch {
    return true;
  }
}

/**
 * pulumi-0.10: the scope packages in `dependencies` share one release line. Entries with a spec problem (a range below
 * the floor, say) are left out: their line changes when they are fixed.
 */
function oneReleaseLine(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const lined = context.entries
    .filter((c) => c.role === 'scope' && c.entry.section === 'dependencies' && c.spec.kind === 'range')
    .filter((c) => specProblem(c, minimumFor(context.config, c.entry.name), context.options.scope) === undefined)
    .map((classified) => ({ classified, line: releaseLine(classified) }))
    .filter((item): item is { classified: ClassifiedEntry; line: string } => item.line !== undefined);
  const counts = new Map<string, number>();
  for (const { line } of lined) counts.set(line, (counts.get(line) ?? 0) + 1);
  if (counts.size < 2) return [];
  // The line most packages are on (the newest on a tie) is the one to move the others to.
  const [common] = [...counts].sort(([a, countA], [b, countB]) => countB - countA || semver.compare(semver.coerce(b)!, semver.coerce(a)!))[0]!;
  const onCommon = lined.filter((item) => item.line === common).map((item) => item.classified.entry.name);
  return lined
    .filter((item) => item.line !== common)
    .map(({ classified: { entry }, line }) => {
      const message =
        `${quoteEntry(entry.name, entry.spec)} is on release line ${line} while ${onCommon.join(', ')} ${onCommon.length > 1 ? 'are' : 'is'} ` +
        `on ${common}; keep the ${context.options.scope} packages on one release line ` +
        `(the docs pin them together; rule ${consistentVersions.id} in the policy file's "rules" turns this off).`;
      return { finding: finding(context.manifest.file, entry.valueSpan, message, entry.name), entry };
    });
}

/** `0.<minor>` before 1.0 (where each minor is a release line), `<major>` after. */
function releaseLine({ spec }: ClassifiedEntry): string | undefined {
  if (spec.kind !== 'range') return undefined;
  const lowest = lowestAdmitted(spec.range);
  if (lowest === undefined) return undefined;
  const version = semver.parse(lowest)!;
  return version.major === 0 ? `0.${version.minor}` : `${version.major}`;
}
