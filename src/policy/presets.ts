import { RULES } from './rules/registry.js';
import type { ConfigurableRuleId, PolicyConfig, PresetName, RuleLevel } from './types.js';

export const PRESET_NAMES = ['pulumi-0.10', 'current'] as const;
export const DEFAULT_PRESET: PresetName = 'pulumi-0.10';

/** Each rule's level in the preset, as the rule registry gives it. */
function rules(preset: PresetName): Record<ConfigurableRuleId, RuleLevel> {
  return Object.fromEntries(RULES.map((rule) => [rule.id, rule.defaults[preset]])) as Record<ConfigurableRuleId, RuleLevel>;
}

/** @pulumi/cloud loads its provider implementation at run time, chosen by the stack's cloud:provider setting. */
const CLOUD_PROVIDER_IMPLIED = { package: '@pulumi/cloud-aws', by: '@pulumi/cloud', when: { config: 'cloud:provider', equals: 'aws' } };

/** A fresh copy of a preset's config. */
export function presetConfig(name: PresetName): PolicyConfig {
  switch (name) {
    case 'pulumi-0.10':
      // Pulumi's 0.10 docs: @pulumi/* from the npm proxy at ^0.10.0, `pulumi` linked and listed as a peer.
      return {
        preset: name,
        rules: rules(name),
        minimumVersion: '0.10.0',
        linkedPeerRange: 'latest',
        impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
        ignorePackages: [],
        ignorePaths: [],
      };
    case 'current':
      // Today's layout: @pulumi/pulumi is an ordinary dependency, nothing is linked, and the packages have
      // separate release lines (so the registry turns consistent-versions off).
      return {
        preset: name,
        rules: rules(name),
        minimumVersion: '1.0.0',
        linkedPeerRange: 'latest',
        links: [],
        impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
        ignorePackages: [],
        ignorePaths: [],
      };
  }
}
