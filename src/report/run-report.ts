import type { Finding, ProgramReport } from '../policy/index.js';
import type { PresetOrigin } from '../policy/types.js';
import type { VerifiedLink } from '../package-managers/types.js';

/** Everything a run found and did: the JSON report, the job summary and the outputs are all made from this. */
export interface RunRecord {
  /** Paths in the report and the summary are shown relative to it. */
  workspace: string;
  settings: {
    /** The preset that ran and where it came from; undefined when the run stopped before the policy file was read. */
    preset: { name: string; origin: PresetOrigin; evidence?: string } | undefined;
    /** Where npm resolves the scope: a routed registry (scoped .npmrc, token), or npm's own. */
    registry: { url: string; routed: boolean } | undefined;
    scope: string;
    workingDirectories: string[];
    install: boolean;
    /** The `package-manager` input. */
    packageManager: string;
    /** The `install-command` input; undefined: each manager's own install. */
    installCommand: string | undefined;
    links: string[];
    cache: string;
    policy: string;
    policyFile: string | undefined;
    token: 'input' | 'environment' | 'none';
  };
  /** How the programs were found (`auto`, globs) and which were left out, folders relative to the workspace. */
  selection?: {
    searches: string[];
    /** The Pulumi programs selected (the folders holding Pulumi.yaml), as the `programs` output lists them. */
    found: string[];
    passedOver: ProgramNote[];
    changedSince?: string;
    skipped: ProgramNote[];
  };
  npmrc?: { file: string; mergedFrom: string | undefined };
  registry?: { username: string | undefined; checkedPackage: string | undefined };
  cache?: CacheRecord;
  programs: ProgramRecord[];
  /** Each phase of the main step with its start and duration; phases may overlap. */
  phases: Phase[];
  failure?: string;
}

/** A program folder (relative to the workspace) and why it was passed over or skipped. */
export interface ProgramNote {
  program: string;
  reason: string;
}

export interface CacheRecord {
  hit: boolean;
  primaryKey: string;
  matchedKey: string | undefined;
  saved: boolean;
  /** A warning or notice about the cache, for the summary. */
  note: string | undefined;
}

export interface ProgramRecord {
  dir: string;
  /** The folder relative to the workspace, as messages name it. */
  name: string;
  /** The preset it was checked with, and why. */
  preset?: ProgramPreset;
  /** The package manager that installs it, and why. */
  packageManager?: PackageManagerRecord;
  policy?: ProgramReport;
  installed?: 'ran' | 'skipped (cache hit)';
  installSeconds?: number;
  links?: VerifiedLink[];
}

/** A program's preset in the report: `auto` gives the layout that decided it. */
export interface ProgramPreset {
  name: string;
  source: 'input' | 'policy file' | 'default' | 'auto';
  evidence?: string;
}

/** A program's package manager in the report: which, its version on the runner, and what decided it (file relative to the workspace). */
export interface PackageManagerRecord {
  name: string;
  version?: string;
  source: 'input' | 'runtime' | 'packagemanager' | 'packageManager' | 'lockfile' | 'default';
  file?: string;
  line?: number;
}

export function allFindings(record: RunRecord): Finding[] {
  return record.programs.flatMap((program) => program.policy?.findings ?? []);
}

/** One phase of the main step: when it started (seconds since the process started) and how long it took. */
export interface Phase {
  name: string;
  startSeconds: number;
  seconds: number;
}
