import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import semver from 'semver';
import type * as Yaml from 'yaml';
import { findingAt } from '../policy/finding.js';
import { PACKAGE_MANAGER_CHECK } from '../policy/input-checks.js';
import { LineIndex, type Span } from '../policy/positions.js';
import type { Finding } from '../policy/types.js';
import { lockfileIn, managerNamed } from './index.js';
import { projectFileIn, projectsOfPackage } from '../program-files/program-folder.js';
import type { ManagerName } from './types.js';

/** What decided a program's manager, in the order the decision looks: Pulumi's own order, corepack's field added. */
export type ManagerSource = 'input' | 'runtime' | 'packagemanager' | 'packageManager' | 'lockfile' | 'default';

/** A program's package manager, and why: for the log, the summary and the JSON report. */
export interface ManagerChoice {
  name: ManagerName;
  source: ManagerSource;
  /** The file that decided (absolute); undefined for the input and the default. */
  file?: string;
  line?: number;
  /** The version a `packageManager` field names (`pnpm@10.2.0+sha512…` gives 10.2.0): the one to install if missing. */
  version?: string;
  /** The lockfile found for the program (its own folder's, else the nearest ancestor's up to the workspace). */
  lockfile?: string;
  /** Where the declaration and the lockfile present disagree, or the input overrides what the program declares. */
  warning?: Finding;
}

const MANAGER_NAMES: readonly string[] = ['npm', 'pnpm', 'yarn', 'bun'];
/** package.json and Pulumi.yaml larger than this are not read for a declaration (the policy check reports them). */
const MAX_DECLARING_FILE = 4 * 1024 * 1024;
/** Folders looked at above a program, at most. */
const MAX_ANCESTORS = 64;

interface Declaration {
  name: ManagerName;
  source: 'runtime' | 'packagemanager' | 'packageManager';
  file: string;
  span: Span;
  version?: string;
  /** How the file spells it, for messages. */
  says: string;
}

let yamlModule: Promise<typeof Yaml> | undefined;

/**
 * The package manager of the program in `programDir`, as Pulumi's Node.js language host decides it: `runtime: bun`,
 * else Pulumi.yaml's `runtime.options.packagemanager`, else the `packageManager` field of the program's package.json
 * or of the nearest ancestor's (up to `workspace`), else the lockfile in the program's folder or the nearest ancestor
 * holding one, else npm. `requested` (the `package-manager` input) other than `auto` outranks all of them.
 */
export async function choosePackageManager(programDir: string, workspace: string, requested: 'auto' | ManagerName): Promise<ManagerChoice> {
  const folders = foldersUp(path.resolve(programDir), path.resolve(workspace));
  const declared = (await pulumiDeclaration(folders[0]!)) ?? corepackDeclaration(folders);
  const lockfile = lockfileOf(folders, declared);
  const found = lockfile && { name: lockfile[1], lockfile: lockfile[0] };
  if (requested !== 'auto') {
    const own = declared ?? found;
    const warning =
      own && own.name !== requested && declared
        ? warnAt(
            declared,
            `${declared.says}, but input "package-manager" is ${requested}: the action installs with ${requested}, Pulumi would use ${declared.name}.`,
          )
        : undefined;
    return { name: requested, source: 'input', ...(found && { lockfile: found.lockfile }), ...(warning && { warning }) };
  }
  if (declared) {
    const disagrees = found && found.name !== declared.name;
    const warning = disagrees
      ? warnAt(
          declared,
          `${declared.says}, but the lockfile present is ${path.relative(folders[0]!, found.lockfile) || path.basename(found.lockfile)} (${found.name}'s): ` +
            `the action installs with ${declared.name}, as Pulumi does; remove the other lockfile, or make the two agree.`,
        )
      : undefined;
    const { name, source, file, span, version } = declared;
    return {
      name,
      source,
      file,
      line: span.start.line,
      ...(version && { version }),
      ...(found && found.name === name && { lockfile: found.lockfile }),
      ...(warning && { warning }),
    };
  }
  if (found) return { name: found.name, source: 'lockfile', file: found.lockfile, lockfile: found.lockfile };
  return { name: 'npm', source: 'default' };
}

/** The program's folder, then each ancestor up to the workspace root (the program's alone when it is outside). */
function foldersUp(programDir: string, workspace: string): string[] {
  const folders = [programDir];
  const inside = programDir === workspace || programDir.startsWith(workspace + path.sep);
  for (let dir = programDir; inside && dir !== workspace && folders.length < MAX_ANCESTORS;) {
    dir = path.dirname(dir);
    folders.push(dir);
  }
  return folders;
}

function readSmall(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length <= MAX_DECLARING_FILE ? text : undefined;
  } catch {
    return undefined;
  }
}

/** `runtime: bun` (or `{ name: bun }`), else `runtime.options.packagemanager`, from the program's Pulumi.yaml. */
async function pulumiDeclaration(programDir: string): Promise<Declaration | undefined> {
  // The program's own, else that of a Pulumi project below its package.json (which runs with it).
  const file = projectFileIn(programDir) ?? projectsOfPackage(programDir).own[0];
  const text = file && readSmall(file);
  if (!file || text === undefined) return undefined;
  const yaml = await (yamlModule ??= import('yaml'));
  const document = yaml.parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return undefined; // Pulumi itself reports it
  const lines = new LineIndex(text);
  const spanOf = (node: unknown): Span => {
    const range = yaml.isNode(node) ? node.range : undefined;
    return range ? lines.span(range[0], range[1] - range[0]) : lines.span(0, 0);
  };
  const runtime = document.get('runtime', true);
  const runtimeName = yaml.isScalar(runtime) ? runtime : yaml.isMap(runtime) ? runtime.get('name', true) : undefined;
  if (yaml.isScalar(runtimeName) && runtimeName.value === 'bun') {
    return { name: 'bun', source: 'runtime', file, span: spanOf(runtimeName), says: `${path.basename(file)} sets the runtime to bun` };
  }
  const option = yaml.isMap(runtime) ? runtime.getIn(['options', 'packagemanager'], true) : undefined;
  if (yaml.isScalar(option) && typeof option.value === 'string' && MANAGER_NAMES.includes(option.value)) {
    const name = option.value as ManagerName;
    return { name, source: 'packagemanager', file, span: spanOf(option), says: `${path.basename(file)} sets runtime.options.packagemanager to ${name}` };
  }
  return undefined;
}

/** The `packageManager` field (corepack's `pnpm@10.2.0`) of the nearest package.json that has one. */
function corepackDeclaration(folders: string[]): Declaration | undefined {
  for (const folder of folders) {
    const file = path.join(folder, 'package.json');
    const text = readSmall(file);
    if (text === undefined) continue;
    const node = packageManagerField(text);
    const match = typeof node?.value === 'string' ? /^(npm|pnpm|yarn|bun)@([^+\s]*)/.exec(node.value) : null;
    if (!node || !match) continue;
    const [, name, named] = match;
    // Only an exact version goes on to `npm install <manager>@<version>`: a folder, URL or tag from a pull request's
    // package.json would put code of its choosing on the PATH of the job's later steps.
    const version = named && semver.valid(named) ? named : undefined;
    return {
      name: name as ManagerName,
      source: 'packageManager',
      file,
      span: new LineIndex(text).span(node.offset, node.length),
      ...(version && { version }),
      says: `${path.relative(folders[0]!, file) || 'package.json'} declares "packageManager": "${node.value as string}"`,
    };
  }
  return undefined;
}

/** package.json's top-level `packageManager` node; undefined for a file that does not parse (hostile nesting included). */
function packageManagerField(text: string): ReturnType<typeof findNodeAtLocation> {
  try {
    const tree = parseTree(text);
    return tree && findNodeAtLocation(tree, ['packageManager']);
  } catch {
    return undefined; // nested too deep for the parser's recursion: the policy check reports the file
  }
}

/** The first lockfile in the program's folder, else in the nearest ancestor that holds one. */
function lockfileOf(folders: string[], declared: Declaration | undefined): readonly [string, ManagerName] | undefined {
  for (const [index, folder] of folders.entries()) {
    // Above the program, only a lockfile that installs it: a workspace root's, or the declaring package.json's.
    const governs = index === 0 || isWorkspaceRoot(folder) || declared?.file === path.join(folder, 'package.json');
    // bun may keep a yarn.lock copy of bun.lock (print = "yarn"): the declared manager's own lockfile comes first.
    const own = declared && managerNamed(declared.name).lockfiles.find((name) => existsSync(path.join(folder, name)));
    if (governs && own) return [path.join(folder, own), declared.name];
    const found = governs ? lockfileIn(folder) : undefined;
    if (found) return [found.file, found.manager.name];
  }
  return undefined;
}

/** A folder whose package.json lists `workspaces` (npm, yarn, bun) or that holds pnpm-workspace.yaml. */
function isWorkspaceRoot(folder: string): boolean {
  if (existsSync(path.join(folder, 'pnpm-workspace.yaml'))) return true;
  const text = readSmall(path.join(folder, 'package.json'));
  if (text === undefined) return false;
  try {
    const tree = parseTree(text);
    return tree !== undefined && findNodeAtLocation(tree, ['workspaces']) !== undefined;
  } catch {
    return false;
  }
}

function warnAt(declaration: Declaration, message: string): Finding {
  return findingAt(PACKAGE_MANAGER_CHECK.id, 'warning', declaration.file, declaration.span, message);
}
