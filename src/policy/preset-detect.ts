import semver from 'semver';
import { parseManifest } from './manifest.js';
import { lowestAdmitted } from './specs.js';
import type { PresetName, SourceFile } from './types.js';

/** The preset a program's layout calls for, and the evidence, in words for the log, the summary and the report. */
export interface PresetChoice {
  name: PresetName;
  evidence: string;
}

/** The name the 0.10 layout links and lists as a peer (today's `pulumi` on npm is the Pulumi CLI). */
const LINKED_SDK = 'pulumi';
const SDK = '@pulumi/pulumi';

/**
 * The preset of `preset: auto` for a program and its workspace members: the 0.10 layout in any of them is the
 * program's (the first one found gives the evidence, naming its file when it is a member's).
 */
export function programPresetOf(packageJson: SourceFile, members: SourceFile[], scope = '@pulumi'): PresetChoice {
  const own = programPreset(packageJson, scope);
  if (own.name === 'pulumi-0.10') return own;
  for (const member of members) {
    const choice = programPreset(member, scope);
    if (choice.name === 'pulumi-0.10') return { ...choice, evidence: `${choice.evidence} of the workspace ${member.path}` };
  }
  return own;
}

/**
 * The preset of `preset: auto` for one package.json: Pulumi's 0.10 layout (a `pulumi` dependency or peer, or `@pulumi`
 * ranges that admit only 0.x releases, unless @pulumi/pulumi is listed at 1.0 or later) is `pulumi-0.10`; anything else is
 * `current`.
 */
export function programPreset(packageJson: SourceFile, scope = '@pulumi'): PresetChoice {
  const entries = parseManifest(packageJson).manifest?.entries ?? [];
  const linked = entries.find((entry) => entry.name === LINKED_SDK && (entry.section === 'dependencies' || entry.section === 'peerDependencies'));
  if (linked) return { name: 'pulumi-0.10', evidence: `"${LINKED_SDK}" in ${linked.section}` };
  const scoped = entries.filter((entry) => entry.name.startsWith(`${scope}/`));
  // Today's packages start on 0.x too (@pulumi/docker-build 0.0.21, @pulumi/eks 0.20 beside @pulumi/pulumi 2): the
  // SDK, which came after 0.10, listed at 1.0 or later (or a tag) makes the layout today's whatever the others admit.
  const sdkEntry = scoped.find((entry) => entry.name === SDK);
  const todaysSdk = sdkEntry !== undefined && (semver.validRange(sdkEntry.spec) === null || !admitsOnlyZero(sdkEntry.spec));
  const zeroOnly = todaysSdk ? undefined : scoped.find((entry) => semver.validRange(entry.spec) !== null && admitsOnlyZero(entry.spec));
  if (zeroOnly) return { name: 'pulumi-0.10', evidence: `${zeroOnly.name} ${zeroOnly.spec} in ${zeroOnly.section} admits only 0.x releases` };
  const sdk = sdkEntry ?? scoped[0];
  const what = sdk ? `${sdk.name} ${sdk.spec} in ${sdk.section}` : `no ${scope} package`;
  return { name: 'current', evidence: `${what}, no "${LINKED_SDK}" dependency or peer` };
}

/** A valid range whose every version is 0.x. */
function admitsOnlyZero(range: string): boolean {
  const lowest = lowestAdmitted(range);
  return lowest !== undefined && semver.major(lowest) === 0 && !semver.intersects(range, '>=1.0.0');
}
