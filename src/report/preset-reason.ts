import type { PolicyConfig } from '../policy/types.js';

/** Why a run has its preset, in words for the log and the command line. */
export function presetReason(config: Pick<PolicyConfig, 'presetOrigin' | 'presetEvidence'>): string {
  const asked = config.presetOrigin === 'default' ? 'auto, the default' : `auto, from the ${config.presetOrigin}`;
  if (config.presetEvidence !== undefined) return `${asked}: ${config.presetEvidence}`;
  return config.presetOrigin === 'default' ? 'the default' : `from the ${config.presetOrigin}`;
}
