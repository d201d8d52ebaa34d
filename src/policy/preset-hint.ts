import semver from 'semver';
import { findingAt } from './finding.js';
import { PRESET_CHECK } from './input-checks.js';
import type { RuleContext } from './rules/context.js';
import { lowestAdmitted } from './specs.js';
import type { Finding } from './types.js';

/**
 * Under the default preset (pulumi-0.10 when nobody chose one), a program of today's layout gets one notice, before
 * the 0.10 findings, that names the preset it fits: @pulumi/pulumi in `dependencies` on 1.0 or later, no `pulumi` peer.
 * The 0.10 findings are still reported: the default stays the default, and a user may mean it.
 */
export function presetHint(context: RuleContext): Finding | undefined {
  const { config, entries, manifest } = context;
  if (config.preset !== 'pulumi-0.10' || config.presetOrigin !== 'default') return undefined;
  const sdk = entries.find((c) => c.entry.name === '@pulumi/pulumi' && c.entry.section === 'dependencies');
  if (sdk === undefined || entries.some((c) => c.entry.name === 'pulumi' && c.entry.section === 'peerDependencies')) return undefined;
  // @pulumi/pulumi came after 0.10 (whose SDK was the linked `pulumi`): on 1.0 or later, or a tag, it is today's layout.
  const lowest = sdk.spec.kind === 'range' ? lowestAdmitted(sdk.spec.range) : undefined;
  if (sdk.spec.kind !== 'tag' && !(lowest !== undefined && semver.major(lowest) >= 1)) return undefined;
  const message =
    'This program follows today\'s layout (@pulumi/pulumi in "dependencies", on 1.0 or later, no linked "pulumi" peer), but the default preset, ' +
    'pulumi-0.10, checks the layout of Pulumi\'s 0.10 docs: set "preset: current" (the action\'s "preset" input, or "preset: current" in the ' +
    "policy file, .github/pulumi-npm-policy.yml) to install from the public registry with no token, link nothing and check today's rules. " +
    "The findings that follow are the pulumi-0.10 preset's.";
  return findingAt(PRESET_CHECK.id, 'notice', manifest.file, sdk.entry.span, message, '@pulumi/pulumi');
}
