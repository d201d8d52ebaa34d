import semver from 'semver';
import { isGeneratedSdkSpec } from '../generated-sdk.js';
import type { ManifestEntry } from '../manifest.js';
import { matchesAny } from '../package-pattern.js';
import { isInstalledSection } from '../sections.js';
import { admitsBelow } from '../specs.js';
import { minimumFor, quoteEntry, suggestedRange, type ClassifiedEntry, type FindingMaker, type RuleContext, type RuleResult } from './context.js';
import { ERROR_IN_EVERY_PRESET, type FixContext, staticRule } from './rule.js';

/** A scope package belongs in `dependencies` only (and in the allowed list, if any). */
export const scopedInDependencies = staticRule('scoped-in-dependencies', ERROR_IN_EVERY_PRESET, {
  short: 'Scope packages belong in "dependencies".',
  help:
    'Pulumi\'s npm packages (@pulumi/*) are regular dependencies: list each in "dependencies" only, not in devDependencies, ' +
    'optionalDependencies, peerDependencies or the bundled lists. `setup-pulumi-npm fix` moves them.',
  check,
  fix: moveToDependencies,
});

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const { config, manifest } = context;
  const inDependencies = new Set(context.entries.filter((c) => c.entry.section === 'dependencies').map((c) => c.entry.name));
  const results: RuleResult[] = [];
  for (const classified of context.entries) {
    if (classified.role !== 'scope') continue;
    const { entry, target } = classified;
    let message: string | undefined;
    if (config.allowedPackages !== undefined && !matchesAny(config.allowedPackages, target)) {
      message =
        `"${target}" is not one of the packages the policy allows ` +
        `(${config.allowedPackages.join(', ') || 'none'}); remove it, or add it to "packages" in the policy file.`;
    } else if (entry.section === 'dependencies') {
      continue;
    } else if (!isInstalledSection(entry.section)) {
      message =
        `"${entry.name}" is listed in ${entry.section}, which packs it into the ` +
        `program's tarball; remove it from there and keep it in "dependencies" only.`;
    } else if (inDependencies.has(entry.name)) {
      message = `"${entry.name}" is also listed in ${entry.section}; remove it from there, it belongs in "dependencies" only.`;
    } else if (config.preset === 'current' && TODAYS_PLACES.has(entry.section)) {
      // Today a dev tool's or a library's place: the managers install it, so the program runs; say what to expect.
      results.push({ finding: { ...finding(manifest.file, entry.span, placementNotice(entry), entry.name), severity: 'notice' }, entry });
      continue;
    } else {
      message =
        `"${entry.name}" is listed in ${entry.section}; move it to "dependencies" as ` +
        `${quoteEntry(entry.name, suggestedSpec(classified, context) ?? entry.spec)}, since Pulumi's npm packages are regular dependencies.`;
    }
    results.push({ finding: finding(manifest.file, entry.span, message, entry.name), entry });
  }
  return results;
}

/**
 * Where programs of today keep scope packages on purpose: devDependencies (an infrastructure folder that is a dev
 * tool of an application) and peerDependencies (examples a provider repository links against its own build).
 */
const TODAYS_PLACES: ReadonlySet<string> = new Set(['devDependencies', 'peerDependencies']);

/** What the install does with a scope package in devDependencies or peerDependencies, for a notice. */
function placementNotice(entry: ManifestEntry): string {
  const what =
    entry.section === 'devDependencies'
      ? 'every install of the program puts it in node_modules, but a production install (npm install --omit=dev, pnpm install --prod, ' +
        "yarn's and bun's --production) leaves it out, and the program then fails to load it"
      : 'npm 7 and later, pnpm and bun install it with the program, but yarn does not (nor npm with --legacy-peer-deps), and the program ' +
        'then fails to load it unless something else installs it';
  return `"${entry.name}" is listed in ${entry.section}: ${what}. Move it to "dependencies" if the program needs it at run time.`;
}

/** The spec to suggest for a scope package: its own when acceptable, else one from the lockfile or the floor. */
function suggestedSpec(classified: ClassifiedEntry, context: RuleContext): string | undefined {
  const { spec, entry } = classified;
  const minimum = minimumFor(context.config, entry.name);
  if (spec.kind === 'generated-sdk') return entry.spec;
  if (spec.kind === 'range' && (minimum === undefined || !admitsBelow(spec.range, minimum))) return entry.spec;
  return suggestedRange(context, entry.name);
}

/**
 * Moves the entry to `dependencies`; a package the policy does not allow, or one that stays there, is left to the user.
 * A move out of a place the current preset accepts, or to the preset's floor, is the preset's (both edits or neither);
 * removing a second listing of a package `dependencies` holds is every preset's.
 */
function moveToDependencies({ finding, name, entry, options: { config }, listedIn, set, remove, note }: FixContext): void {
  const disallowed = config.allowedPackages !== undefined && !config.allowedPackages.includes(name);
  if (entry === undefined || entry.section === 'dependencies' || disallowed) {
    note(finding.message);
    return;
  }
  const spec = keptOrFloor(entry, minimumFor(config, name));
  const added = !listedIn('dependencies');
  const basis = added && (TODAYS_PLACES.has(entry.section) || spec !== entry.spec) ? 'preset' : 'policy';
  if (added) set('dependencies', spec, basis);
  remove(entry, basis);
}

/** A misplaced entry's own range when it starts at the floor or above (or it is a generated SDK), else the floor's caret range. */
function keptOrFloor(entry: ManifestEntry, minimum: string | undefined): string {
  const valid = semver.validRange(entry.spec) !== null && entry.spec !== '';
  if (minimum === undefined || isGeneratedSdkSpec(entry.spec)) return entry.spec;
  return valid && !admitsBelow(entry.spec, minimum) ? entry.spec : `^${minimum}`;
}
