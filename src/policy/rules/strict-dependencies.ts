import { isGeneratedSdkSpec } from '../generated-sdk.js';
import { LineIndex } from '../positions.js';
import { isInstalledSection } from '../sections.js';
import type { FindingMaker, RuleContext, RuleResult } from './context.js';
import { wrongCaseImports } from './import-case.js';
import { ERROR_IN_EVERY_PRESET, type FixContext, staticRule } from './rule.js';

/** Every listed scope package and linked package is loaded by the sources (or implied). */
export const strictDependencies = staticRule('strict-dependencies', ERROR_IN_EVERY_PRESET, {
  short: 'List only the packages the program loads.',
  help:
    'Pulumi programs should list only the packages they strictly depend on: remove a scope or linked package no source file loads. ' +
    '`setup-pulumi-npm fix` removes it.',
  readsSources: true,
  check,
  fix,
});

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
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
  // A package imported with the wrong case is used (import-case reports the import).
  const usedInOtherCase = new Set(wrongCaseImports(context).values());
  const results: RuleResult[] = [];
  for (const { entry, role, spec } of context.entries) {
    if (role === 'other' || !isInstalledSection(entry.section)) continue;
    if (usage.byPackage.has(entry.name) || usedInOtherCase.has(entry.name) || context.implied.implied.has(entry.name)) continue;
    // A linked package is the peer every scope package loads at run time.
    if (role === 'link' && scopeUsed) continue;
    const unmet = context.implied.unmet.get(entry.name);
    const why = unmet === undefined ? 'no source file imports or requires it' : `no source file imports it and ${unmet}`;
    const remove = spec.kind === 'generated-sdk' ? `remove it with its entry in Pulumi.yaml's "packages" and its folder in sdks/` : 'remove it';
    const message =
      `"${entry.name}" is listed in ${entry.section} but ${why}; ${remove}, since programs should list only the packages they strictly ` +
      `depend on (a package loaded without an import goes under "implied" in the policy file).`;
    results.push({ finding: finding(context.manifest.file, entry.span, message, entry.name), entry });
  }
  return results;
}

/** Removes the entry (a linked one as the preset's); a generated SDK is left alone (Pulumi.yaml's "packages" would list it again). */
function fix({ entry, options, remove, note }: FixContext): void {
  if (entry === undefined) return;
  if (isGeneratedSdkSpec(entry.spec))
    note(`"${entry.spec}" is an SDK that pulumi package add generated: remove it by hand with its entry in Pulumi.yaml's "packages" and its folder.`);
  else remove(entry, options.links.includes(entry.name) ? 'preset' : 'policy');
}
