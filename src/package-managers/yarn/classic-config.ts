import * as path from 'node:path';
import { readTextIfExists } from '../../util/files.js';
import { CLASSIC_RC } from './files.js';

/** One setting of a yarn 1 config file: .npmrc (`key=value`) or .yarnrc (`key "value"`). */
export interface ClassicSetting {
  file: string;
  key: string;
  value: string;
}

/** A key as yarn 1 matches it whatever the spelling: lower case, without `-` and `_` (https-proxy, httpsProxy). */
export function normalKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** The settings of the .npmrc and .yarnrc files in `folder`, in file order. */
export async function folderSettings(folder: string): Promise<ClassicSetting[]> {
  const settings: ClassicSetting[] = [];
  for (const [name, pattern] of [
    ['.npmrc', /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/],
    [CLASSIC_RC, /^\s*("[^"]+"|[^#\s"]\S*)\s+(.*?)\s*$/],
  ] as const) {
    const file = path.join(folder, name);
    const text = await readTextIfExists(file).catch(() => undefined);
    for (const line of text?.split(/[\r\n]+/) ?? []) {
      const match = pattern.exec(line);
      if (match) settings.push({ file, key: unquoted(match[1]!), value: unquoted(match[2]!) });
    }
  }
  return settings;
}

/** The folders yarn 1 reads a project's config from: the program's and each parent's, the user's home left out. */
export function projectFolders(programDir: string, userHome: string): string[] {
  const folders: string[] = [];
  for (let folder = path.resolve(programDir); ; folder = path.dirname(folder)) {
    if (folder !== path.resolve(userHome)) folders.push(folder);
    if (path.dirname(folder) === folder) return folders;
  }
}

function unquoted(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length > 1 && ((trimmed.startsWith('"') && trimmed.endsWith('"')) || (trimmed.startsWith("'") && trimmed.endsWith("'")))) {
    return trimmed.slice(1, -1);
  }
  return trimmed;
}
