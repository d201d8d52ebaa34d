import { effectiveLinks } from '../policy/links.js';
import { parsePolicyConfig } from '../policy/config.js';
import type { PresetDetector } from '../policy/presets.js';
import type { Finding, PolicyOptions, PresetRequest, RegistryHostReplacement, SourceFile } from '../policy/types.js';

/** What the action's inputs or the command line's options say about the policy options. */
export interface PolicyRequest {
  /** The policy file as read; undefined when there is none (the default preset). */
  file: SourceFile | undefined;
  /** Undefined: the policy file's preset, else `auto`. */
  preset: PresetRequest | undefined;
  /** Decides `auto` from the programs' layout. */
  detectPreset: PresetDetector;
  /** A registry to route the scope to, given outright (the action's `registry-url`); undefined: the preset's. */
  registryUrl: string | undefined;
  scope: string;
  /** Undefined: the preset's. */
  links: string[] | undefined;
  /** The registry the package manager's own config gives the scope, and how it rewrites a lockfile's hosts. */
  configuredRegistry: () => Promise<{ url: string; hostReplacement: RegistryHostReplacement }>;
}

export type PolicyOptionsOutcome =
  | { options: PolicyOptions; findings: Finding[]; routedRegistry: string | undefined }
  /** An invalid policy file: its findings, and no options (nothing is checked with a preset not asked for). */
  | { options: undefined; findings: Finding[] };

/**
 * The options every check runs with, the same for the action and the command line: the preset (asked for, else the
 * policy file's, else the default) decides the registry and the links the request leaves open. An unrouted scope
 * resolves from the package manager's own config, as the manager would resolve it.
 */
export async function policyOptions(request: PolicyRequest): Promise<PolicyOptionsOutcome> {
  const { config, findings } = await parsePolicyConfig(request.file, request.preset, request.detectPreset);
  if (config === undefined) return { options: undefined, findings };
  const routedRegistry = request.registryUrl ?? config.registryUrl;
  // Routed or not, npm rewrites the lockfile's hosts as its own config says.
  const configured = await request.configuredRegistry();
  const registryUrl = routedRegistry ?? configured.url;
  const { hostReplacement } = configured;
  return { options: { scope: request.scope, links: effectiveLinks(config, request.links), registryUrl, hostReplacement, config }, findings, routedRegistry };
}
