import { DEFAULT_PRESET, presetConfig } from './presets.js';
import type { ParsedPolicy, PresetName, SourceFile } from './types.js';

/**
 * The policy config: the preset of the `preset` input (`presetInput`), else the policy file's, else the default;
 * with the file's settings over it. The YAML parser and the schema are loaded only when there is a file.
 */
export async function parsePolicyConfig(file: SourceFile | undefined, presetInput?: PresetName): Promise<ParsedPolicy> {
  if (file === undefined) return { config: presetInput ? presetConfig(presetInput, 'input') : presetConfig(DEFAULT_PRESET), findings: [] };
  const { parsePolicyFile } = await import('./policy-file.js');
  return parsePolicyFile(file, presetInput);
}
