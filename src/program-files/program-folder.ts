import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** The names Pulumi reads a project file under, in its order. */
export const PROJECT_FILE_NAMES = ['Pulumi.yaml', 'Pulumi.yml'] as const;

/** Bounds the walk up from a project folder (a path has far fewer levels). */
const MAX_LEVELS_UP = 64;

/** The project file (Pulumi.yaml, else Pulumi.yml) in `dir`; undefined when it holds neither. */
export function projectFileIn(dir: string): string | undefined {
  return PROJECT_FILE_NAMES.map((name) => join(dir, name)).find((file) => existsSync(file));
}

/**
 * The folder whose package.json a Pulumi project in `projectDir` runs with: `projectDir` itself, else the nearest
 * ancestor holding one, up to the workspace (Pulumi's Node.js host looks for package.json and node_modules up the
 * tree, so `infra/pulumi/Pulumi.yaml` is a program of `infra/package.json`). Undefined when none has one, or
 * `projectDir` is outside the workspace.
 */
export function packageFolderOf(projectDir: string, workspace: string): string | undefined {
  const top = resolve(workspace);
  let folder = resolve(projectDir);
  if (!isWithin(top, folder)) return undefined;
  for (let level = 0; level < MAX_LEVELS_UP; level++) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (folder === top) return undefined;
    folder = dirname(folder);
  }
  return undefined;
}

/** True when `child` is `parent` or inside it. */
function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
