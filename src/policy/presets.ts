import { WHOLE_SCOPE } from './package-pattern.js';
import { RULES } from './rules/index.js';
import type { PresetChoice } from './preset-detect.js';
import type { ConfigurableRuleId, PolicyConfig, PresetName, PresetOrigin, PresetRequest, RuleLevel } from './types.js';

export { PRESET_NAMES } from './preset-names.js';
export const DEFAULT_PRESET: PresetName = 'pulumi-0.10';

/** Each rule's level in the preset, as its module gives it. */
function rules(preset: PresetName): Record<ConfigurableRuleId, RuleLevel> {
  return Object.fromEntries(RULES.map((rule) => [rule.id, rule.defaults[preset]])) as Record<ConfigurableRuleId, RuleLevel>;
}

/** @pulumi/cloud loads its provider implementation at run time, chosen by the stack's cloud:provider setting. */
const CLOUD_PROVIDER_IMPLIED = { package: '@pulumi/cloud-aws', by: '@pulumi/cloud', when: { config: 'cloud:provider', equals: 'aws' } };

/** A fresh copy of a preset's config. */
export function presetConfig(name: PresetName, origin: PresetOrigin = 'default'): PolicyConfig {
  switch (name) {
    case 'pulumi-0.10':
      // Pulumi's 0.10 docs: @pulumi/* from the npm proxy at ^0.10.0, `pulumi` linked and listed as a peer.
      return {
        preset: name,
        presetOrigin: origin,
        rules: rules(name),
        minimumVersions: { [WHOLE_SCOPE]: '0.10.0' },
        linkedPeerRange: 'latest',
        registryUrl: 'https://npmjs.pulumi.com/',
        links: ['pulumi'],
        impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
        ignorePackages: [],
        ignorePaths: [],
      };
    case 'current':
      // Today's layout: the packages are ordinary dependencies from npm's own registry, nothing is linked, and
      // each package has its own release line (so the rule of one release line is off). The only floor is
      // the SDK's 3.0 (the first release that runs on today's language host).
      return {
        preset: name,
        presetOrigin: origin,
        rules: rules(name),
        minimumVersions: { '@pulumi/pulumi': '3.0.0' },
        linkedPeerRange: 'latest',
        links: [],
        impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
        ignorePackages: [],
        ignorePaths: [],
      };
  }
}

/** Decides `auto` from the programs' layout; without one, `auto` means DEFAULT_PRESET. */
export type PresetDetector = () => PresetChoice;

/** The config of a requested preset, `auto` decided by `detect`. */
export function requestedPreset(request: PresetRequest, origin: PresetOrigin, detect: PresetDetector | undefined): PolicyConfig {
  if (request !== 'auto') return presetConfig(request, origin);
  if (detect === undefined) return presetConfig(DEFAULT_PRESET, origin);
  const { name, evidence } = detect();
  return { ...presetConfig(name, origin), presetEvidence: evidence };
}
