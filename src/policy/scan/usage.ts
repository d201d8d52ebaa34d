import type { SourceFile } from '../types.js';
import { scanSources } from './scan.js';
import { packageOfSpecifier, type ModuleUse } from './uses.js';

export interface SourceUse {
  file: SourceFile;
  use: ModuleUse;
}

export interface Usage {
  /** Each package the sources load, with every place that loads it, in file order. */
  byPackage: Map<string, SourceUse[]>;
  /** Files that could not be parsed: what they load is unknown. */
  failures: { file: SourceFile; offset: number; message: string }[];
  sourceCount: number;
}

const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** Parses every source file and groups what they load by package. */
export async function collectUsage(sources: SourceFile[]): Promise<Usage> {
  const usage: Usage = { byPackage: new Map(), failures: [], sourceCount: sources.length };
  const results = await scanSources(sources);
  for (const [index, file] of sources.entries()) {
    const result = results[index]!;
    if (result.error) usage.failures.push({ file, ...result.error });
    // A declaration file only describes types: nothing it imports is loaded at run time.
    const declaration = DECLARATION_FILE.test(file.path);
    for (const use of result.uses) {
      const name = packageOfSpecifier(use.specifier);
      if (name === undefined) continue;
      const list = usage.byPackage.get(name) ?? [];
      list.push({ file, use: declaration ? { ...use, typeOnly: true } : use });
      usage.byPackage.set(name, list);
    }
  }
  return usage;
}
