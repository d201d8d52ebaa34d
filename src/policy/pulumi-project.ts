import { basename } from 'node:path';
import type * as Yaml from 'yaml';
import type { SourceFile } from './types.js';

/** What the policy reads of a program's Pulumi.yaml: the runtime's name (its package manager is the install's business). */
export interface PulumiProject {
  file: string;
  runtime?: string;
}

let yamlModule: Promise<typeof Yaml> | undefined;

/**
 * Reads Pulumi.yaml among a program's stack files: `runtime: nodejs` or `runtime: { name: nodejs, options: … }`.
 * undefined when there is no Pulumi.yaml or it is not valid YAML (Pulumi itself reports that).
 */
export async function readPulumiProject(stackFiles: SourceFile[]): Promise<PulumiProject | undefined> {
  const file = stackFiles.find((candidate) => /^Pulumi\.ya?ml$/.test(basename(candidate.path)));
  if (file === undefined) return undefined;
  const yaml = await (yamlModule ??= import('yaml'));
  const document = yaml.parseDocument(file.text);
  if (document.errors.length > 0) return { file: file.path };
  const runtime = document.get('runtime', true);
  const project: PulumiProject = { file: file.path };
  if (yaml.isScalar(runtime) && typeof runtime.value === 'string') project.runtime = runtime.value;
  if (yaml.isMap(runtime)) {
    const name = runtime.get('name');
    if (typeof name === 'string') project.runtime = name;
  }
  return project;
}
