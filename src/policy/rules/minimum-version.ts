import { admitsBelow, lowestAdmitted } from '../specs.js';
import { isInstalledSection } from '../sections.js';
import { quoteEntry, type ClassifiedEntry, type FindingMaker, type RuleContext, type RuleResult } from './context.js';

/** minimum-version: a scope package comes from the registry, in a range that starts at the minimum version. */
export function minimumVersion(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const results: RuleResult[] = [];
  for (const classified of context.entries) {
    if (classified.role !== 'scope' || !isInstalledSection(classified.entry.section)) continue;
    const problem = describeProblem(classified, context.config.minimumVersion, context.options.scope);
    if (problem === undefined) continue;
    const { entry } = classified;
    const message =
      `${problem}; versions before ${context.config.minimumVersion} are only supported through the ` +
      `npm link workflow, so use ${quoteEntry(entry.name, `^${context.config.minimumVersion}`)}.`;
    results.push({ finding: finding(context.manifest.file, entry.valueSpan, message, entry.name), entry });
  }
  return results;
}

const SOURCE_NAMES: Record<string, string> = {
  git: 'a git repository',
  remote: 'a tarball URL',
  file: 'a local tarball',
  directory: 'a local folder',
};

/** What is wrong with a scope package's spec, or undefined when it is a registry spec at or above the minimum. */
export function describeProblem({ entry, spec, target }: ClassifiedEntry, minimum: string, scope: string): string | undefined {
  const listed = quoteEntry(entry.name, entry.spec);
  switch (spec.kind) {
    case 'invalid':
      return `${listed} is not a valid npm version spec (${spec.reason})`;
    case 'elsewhere':
      return `${listed} installs from ${SOURCE_NAMES[spec.type] ?? spec.type} instead of the registry`;
    case 'tag':
    case 'range':
      if (!target.startsWith(`${scope}/`)) return `${listed} installs "${target}", a package outside ${scope}`;
      if (spec.kind === 'range' && admitsBelow(spec.range, minimum)) return `${listed} admits versions from ${lowestAdmitted(spec.range)}, below ${minimum}`;
      return undefined;
  }
}
