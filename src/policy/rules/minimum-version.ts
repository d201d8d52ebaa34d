import { isInstalledSection } from '../sections.js';
import { classifySpec } from '../specs.js';
import { addCommand, minimumFor, quoteEntry, suggestedRange, type FindingMaker, type RuleContext, type RuleResult } from './context.js';
import { ERROR_IN_EVERY_PRESET, type FixContext, staticRule } from './rule.js';
import { specProblem } from './spec-problem.js';

/**
 * A scope package comes from the registry, in a range that starts at its floor (the policy's floors, per package or
 * for the whole scope, under this rule's id; a package without a floor only has to come from the registry).
 */
export const minimumVersion = staticRule('minimum-version', ERROR_IN_EVERY_PRESET, {
  short: 'Scope packages come from the registry at the minimum version or later.',
  help:
    'Versions of Pulumi packages before the minimum (0.10.0) are only supported through the npm link workflow: use a registry range that ' +
    'starts at the minimum, such as "^0.10.0". `setup-pulumi-npm fix` raises registry ranges; git, file and URL specs are changed by hand.',
  check,
  fix,
});

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const results: RuleResult[] = [];
  for (const classified of context.entries) {
    if (classified.role !== 'scope' || !isInstalledSection(classified.entry.section)) continue;
    const { entry } = classified;
    const floor = minimumFor(context.config, entry.name);
    const problem = specProblem(classified, floor, context.options.scope);
    if (problem === undefined) continue;
    const range = suggestedRange(context, entry.name);
    const remedy = range === undefined ? `list a registry range (${addCommand(context, entry.name)} writes one)` : `use ${quoteEntry(entry.name, range)}`;
    const key = minimumVersion.id;
    const why = floor === undefined ? '' : `; the ${context.config.preset} preset supports ${entry.name} from ${floor} ("${key}" in the policy file)`;
    results.push({ finding: finding(context.manifest.file, entry.valueSpan, `${problem}${why}, so ${remedy}.`, entry.name), entry });
  }
  return results;
}

/** Raises a registry range to the floor (the preset's); an alias or a spec from elsewhere is left to the user. */
function fix({ name, entry, dir, options: { config }, set, note }: FixContext): void {
  if (entry === undefined) return;
  const spec = classifySpec(name, entry.spec, dir);
  const fromRegistry = spec.kind === 'range' || spec.kind === 'tag';
  const floor = `^${minimumFor(config, name) ?? '0.0.0'}`;
  if (fromRegistry && spec.target === name) set(entry.section, floor, 'preset');
  else {
    const what = fromRegistry ? `an alias of "${spec.target}"` : 'not a registry range';
    note(`"${entry.spec}" is ${what}; change it by hand to "${floor}" if the registry should serve it.`);
  }
}
