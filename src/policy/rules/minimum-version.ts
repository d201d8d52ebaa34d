import { admitsBelow, lowestAdmitted } from '../specs.js';
import { isInstalledSection } from '../sections.js';
import { minimumFor, quoteEntry, suggestedRange, type ClassifiedEntry, type FindingMaker, type RuleContext, type RuleResult } from './context.js';

/**
 * minimum-version: a scope package comes from the registry, in a range that starts at its floor (the policy's
 * `minimum-version`, per package or for the whole scope; a package without a floor only has to come from the registry).
 */
export function minimumVersion(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const results: RuleResult[] = [];
  for (const classified of context.entries) {
    if (classified.role !== 'scope' || !isInstalledSection(classified.entry.section)) continue;
    const { entry } = classified;
    const floor = minimumFor(context.config, entry.name);
    const problem = describeProblem(classified, floor, context.options.scope);
    if (problem === undefined) continue;
    const range = suggestedRange(context, entry.name);
    const fix = range === undefined ? `list a registry range (npm install ${entry.name} writes one)` : `use ${quoteEntry(entry.name, range)}`;
    const why = floor === undefined ? '' : `; the ${context.config.preset} preset supports ${entry.name} from ${floor} ("minimum-version" in the policy file)`;
    results.push({ finding: finding(context.manifest.file, entry.valueSpan, `${problem}${why}, so ${fix}.`, entry.name), entry });
  }
  return results;
}

const SOURCE_NAMES: Record<string, string> = {
  git: 'a git repository',
  remote: 'a tarball URL',
  file: 'a local tarball',
  directory: 'a local folder',
};

/** What is wrong with a scope package's spec, or undefined when it is a registry spec at or above the minimum (if any). */
export function describeProblem({ entry, spec, target }: ClassifiedEntry, minimum: string | undefined, scope: string): string | undefined {
  const listed = quoteEntry(entry.name, entry.spec);
  switch (spec.kind) {
    case 'invalid':
      return `${listed} is not a valid npm version spec (${spec.reason})`;
    case 'elsewhere':
      return `${listed} installs from ${SOURCE_NAMES[spec.type] ?? spec.type} instead of the registry`;
    case 'tag':
    case 'range':
      if (!target.startsWith(`${scope}/`)) return `${listed} installs "${target}", a package outside ${scope}`;
      if (minimum !== undefined && spec.kind === 'range' && admitsBelow(spec.range, minimum))
        return `${listed} admits versions from ${lowestAdmitted(spec.range)}, below ${minimum}`;
      return undefined;
  }
}
