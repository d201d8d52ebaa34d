import { requestedPreset, type PresetDetector } from './presets.js';
import type { ParsedPolicy, PresetRequest, SourceFile } from './types.js';

/**
 * The policy config: the preset of the `preset` input (`presetInput`), else the policy file's, else `auto`, which
 * `detect` decides; with the file's settings over it. The YAML parser and the schema are loaded only when there is a file.
 */
export async function parsePolicyConfig(file: SourceFile | undefined, presetInput?: PresetRequest, detect?: PresetDetector): Promise<ParsedPolicy> {
  if (file === undefined) return { config: requestedPreset(presetInput ?? 'auto', presetInput ? 'input' : 'default', detect), findings: [] };
  const { parsePolicyFile } = await import('./policy-file.js');
  return parsePolicyFile(file, presetInput, detect);
}
