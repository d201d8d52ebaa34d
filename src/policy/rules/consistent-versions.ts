import semver from 'semver';
import { lowestAdmitted } from '../specs.js';
import { minimumFor, quoteEntry, type ClassifiedEntry, type FindingMaker, type RuleContext, type RuleResult } from './context.js';
import { staticRule } from './rule.js';
import { specProblem } from './spec-problem.js';

/**
 * The scope packages in `dependencies` share one release line (0.10, 0.11, 1, 2, …). Entries with a spec problem
 * (a range below the floor, say) are left out: their line changes when they are fixed.
 */
// The packages have separate release lines since 1.0, so the current layout does not ask for one.
export const consistentVersions = staticRule(
  'consistent-versions',
  { 'pulumi-0.10': 'warn', current: 'off' },
  {
    short: 'Scope packages share one release line.',
    help: 'The @pulumi packages of a 0.x release are made to work together: keep them on the same minor version. Run npm install and commit the lockfile.',
    check,
  },
);

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
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
