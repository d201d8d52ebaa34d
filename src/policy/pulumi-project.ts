import { basename } from 'node:path';
import type * as Yaml from 'yaml';
import { findingAt } from './finding.js';
import { PACKAGE_MANAGER_CHECK } from './input-checks.js';
import { LineIndex } from './positions.js';
import type { Finding, SourceFile } from './types.js';

/** What the policy reads of a program's Pulumi.yaml: the runtime's name and its package manager option. */
export interface PulumiProject {
  file: string;
  runtime?: string;
  /** runtime.options.packagemanager (npm, yarn, pnpm, bun); Pulumi's default is npm. */
  packageManager?: string;
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
    const manager = runtime.getIn(['options', 'packagemanager']);
    if (typeof name === 'string') project.runtime = name;
    if (typeof manager === 'string') project.packageManager = manager;
  }
  return project;
}

/**
 * Pulumi.yaml asks for another package manager than `installer`, the one the action installs with (npm, Pulumi's
 * default, unless told): a warning on its line that says what to do. undefined when it asks for the installer (or
 * nothing), or the install command is not the installer's.
 */
export function packageManagerFinding(project: PulumiProject | undefined, installCommand: string, text: string, installer = 'npm'): Finding | undefined {
  const manager = project?.packageManager;
  // Manager names are plain words: no character of a pattern.
  const installerCommand = new RegExp(`^${installer}\\s`).test(installCommand.trim());
  if (project === undefined || manager === undefined || manager === installer || !installerCommand) return undefined;
  const match = /packagemanager\s*:/i.exec(text);
  const lines = new LineIndex(text);
  const span = match === null ? lines.span(0, 0) : lines.span(match.index, match[0].length - 1);
  const message =
    `Pulumi.yaml sets runtime.options.packagemanager to ${manager}, but this action installs with ${installer} ("${installCommand}"): ` +
    `set "install-command" to ${manager}'s install command (the cache and the policy check still apply), ` +
    `or "install: false" to run the policy check alone and install with ${manager} in a later step.`;
  return findingAt(PACKAGE_MANAGER_CHECK.id, 'warning', project.file, span, message);
}
