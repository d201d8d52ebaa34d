import * as path from 'node:path';
import { programPresetOf, type PresetChoice } from '../../policy/preset-detect.js';
import { workspaceManifests } from '../../program-files/read.js';
import type { PolicyConfig } from '../../policy/types.js';
import type { ProgramPreset } from '../../report/run-report.js';
import { ActionError } from '../../util/errors.js';
import { readTextIfExistsSync } from '../../util/files.js';
import { folderName } from '../../util/folder-name.js';
import { relativePosix } from '../../util/text.js';
import type { Settings } from '../settings.js';

/**
 * `preset: auto` for the run: each working directory's layout (a program without a readable package.json is left
 * to the check, which reports it). One preset serves every program, since it decides the registry the scope is
 * routed to and the token: programs that call for different presets fail the run, naming each one and the input to set.
 */
export async function runPreset(settings: Settings): Promise<PresetChoice> {
  const chosen = [];
  for (const { path: dir } of settings.workingDirectories) {
    const file = path.join(dir, 'package.json');
    const text = readTextIfExistsSync(file);
    if (text === undefined) continue;
    const members = (await workspaceManifests(dir)).map((member) => ({ ...member, path: relativePosix(settings.workspace, member.path) }));
    chosen.push({ name: folderName(settings.workspace, dir), choice: programPresetOf({ path: file, text }, members, settings.scope) });
  }
  const [first, ...others] = chosen;
  if (first === undefined) return { name: 'current', evidence: 'no program has a package.json' };
  const different = others.filter((other) => other.choice.name !== first.choice.name);
  if (different.length === 0)
    return others.length ? { ...first.choice, evidence: `${first.choice.evidence} (in ${first.name}; the other programs agree)` } : first.choice;
  const list = chosen.map(({ name, choice }) => `${name}: ${choice.name} (${choice.evidence})`).join('; ');
  throw new ActionError(
    `Input "preset" is auto, and the programs call for different presets: ${list}. One preset decides the registry and the token for ` +
      'the whole run: set "preset" (the input, or "preset" in the policy file) to the one they should share, or check them in separate steps.',
  );
}

/** What the report says of a program's preset: its name, where it came from, and the layout that decided `auto`. */
export function programPresetRecord(config: PolicyConfig): ProgramPreset {
  if (config.presetEvidence !== undefined) return { name: config.preset, source: 'auto', evidence: config.presetEvidence };
  return { name: config.preset, source: config.presetOrigin };
}
