import { DEFAULT_PRESET, presetConfig } from './presets.js';
import type { Finding, PolicyConfig, PresetName, SourceFile } from './types.js';

/**
 * The policy config: the default preset when there is no policy file, else the file read over its preset (a bad
 * file gives 'policy-file' findings). `preset`, when given, takes the place of the file's own. The YAML parser and
 * the schema are loaded only when there is a file.
 */
export async function parsePolicyConfig(file: SourceFile | undefined, preset?: PresetName): Promise<{ config: PolicyConfig; findings: Finding[] }> {
  if (file === undefined) return { config: presetConfig(preset ?? DEFAULT_PRESET), findings: [] };
  const { parsePolicyFile } = await import('./policy-file.js');
  return parsePolicyFile(file, preset);
}
