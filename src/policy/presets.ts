import type { ConfigurableRuleId, PolicyConfig, PresetName, RuleLevel } from './types.js';

export const PRESET_NAMES: readonly PresetName[] = ['pulumi-0.10', 'current'];
export const DEFAULT_PRESET: PresetName = 'pulumi-0.10';

function rules(overrides: Partial<Record<ConfigurableRuleId, RuleLevel>>): Record<ConfigurableRuleId, RuleLevel> {
  return {
    'scoped-in-dependencies': 'error',
    'linked-peer': 'error',
    'minimum-version': 'error',
    'strict-dependencies': 'error',
    'undeclared-dependency': 'error',
    'lockfile-registry': 'error',
    'consistent-versions': 'warn',
    'installed-tree': 'error',
    ...overrides,
  };
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
        rules: rules({}),
        minimumVersion: '0.10.0',
        linkedPeerRange: 'latest',
        impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
        ignorePackages: [],
        ignorePaths: [],
      };
    case 'current':
      // Today's layout: @pulumi/pulumi is an ordinary dependency, nothing is linked, and the packages have
      // separate release lines (so consistent-versions is off).
      return {
        preset: name,
        rules: rules({ 'consistent-versions': 'off' }),
        minimumVersion: '1.0.0',
        linkedPeerRange: 'latest',
        links: [],
        impliedUses: [{ ...CLOUD_PROVIDER_IMPLIED }],
        ignorePackages: [],
        ignorePaths: [],
      };
  }
}
