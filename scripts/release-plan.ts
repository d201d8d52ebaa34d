// The release rules, as plain functions of what the repository holds: which checks pass, the git commands that tag
// vX.Y.Z and move the major tag vX to it (what `uses: <owner>/setup-pulumi-npm@vX` follows), and the npm package of the
// command line that the release workflow publishes from the tag.
import semver from 'semver';
import { PUBLISHED_CLI } from '../src/report/published-cli.js';

/** What the release script found in the repository. */
export interface ReleaseFacts {
  /** The version asked for: X.Y.Z, with or without a leading v. */
  requested: string;
  /** package.json's "version". */
  packageVersion: string;
  /** Every tag of the repository. */
  tags: string[];
  changelog: string;
  /** `git status --porcelain` before the bundle was rebuilt. */
  uncommitted: string[];
  /** `git status --porcelain -- dist` after `npm run bundle`. */
  distChanges: string[];
  /** The files `npm pack` puts in the command line's package, staged by scripts/cli-package.ts from the bundle just made. */
  cliPackFiles: string[];
}

export interface ReleaseCheck {
  ok: boolean;
  text: string;
}

export interface ReleasePlan {
  tag: string;
  majorTag: string;
  checks: ReleaseCheck[];
  /** Each a git command line, run in order when every check passed. */
  commands: string[][];
}

export function planRelease(facts: ReleaseFacts, remote: string): ReleasePlan {
  const version = semver.valid(facts.requested);
  if (!version || semver.prerelease(version)) {
    return { tag: '', majorTag: '', checks: [{ ok: false, text: `"${facts.requested}" is not a version X.Y.Z` }], commands: [] };
  }
  const tag = `v${version}`;
  const majorTag = `v${semver.major(version)}`;
  const latest = latestRelease(facts.tags);
  const sameMajor = latestRelease(facts.tags.filter((name) => name.startsWith(`${majorTag}.`)));
  const checks: ReleaseCheck[] = [
    facts.tags.includes(tag) ? { ok: false, text: `${tag} is already tagged` } : { ok: true, text: `${tag} is a new tag` },
    !latest || semver.gt(version, latest)
      ? { ok: true, text: latest ? `${tag} comes after the latest release, v${latest}` : `${tag} is the first release` }
      : { ok: false, text: `${tag} does not come after the latest release, v${latest}` },
    facts.packageVersion === version
      ? { ok: true, text: `package.json's version is ${version}` }
      : { ok: false, text: `package.json's version is ${facts.packageVersion}: set it to ${version} and commit` },
    changelogHas(facts.changelog, version)
      ? { ok: true, text: `CHANGELOG.md has a section "## [${version}]"` }
      : { ok: false, text: `CHANGELOG.md has no section "## [${version}]": move what Unreleased lists there, with the date, and commit` },
    facts.uncommitted.length === 0
      ? { ok: true, text: 'the working tree is clean' }
      : { ok: false, text: `the working tree has uncommitted changes: ${facts.uncommitted.join(', ')}` },
    facts.distChanges.length === 0
      ? { ok: true, text: 'dist/ is what npm run bundle makes of src/' }
      : { ok: false, text: `dist/ is stale (npm run bundle changed ${facts.distChanges.join(', ')}): commit the new bundle` },
  ];
  const moved = sameMajor ? `moves from v${sameMajor} to ${tag}` : `is new, at ${tag}`;
  checks.push({ ok: true, text: `${majorTag} ${moved}` });
  const strays = facts.cliPackFiles.filter((file) => !CLI_PACK_FILES.test(file));
  checks.push(
    !facts.cliPackFiles.includes(CLI_ENTRY)
      ? { ok: false, text: `the command line's package lacks ${CLI_ENTRY}: run npm run bundle` }
      : strays.length > 0
        ? { ok: false, text: `the command line's package would hold files besides the bundle: ${strays.join(', ')}` }
        : { ok: true, text: `pushing ${tag} has the release workflow publish ${PUBLISHED_CLI}@${version} (dist/cli, no dependencies) to npm, with provenance` },
  );
  return {
    tag,
    majorTag,
    checks,
    commands: [
      ['git', 'tag', '--annotate', tag, '--message', tag],
      ['git', 'tag', '--force', '--annotate', majorTag, '--message', `${majorTag} at ${tag}`],
      ['git', 'push', remote, `refs/tags/${tag}`],
      ['git', 'push', '--force', remote, `refs/tags/${majorTag}`],
    ],
  };
}

/** The command line's entry point in its package: the bundle, which holds every dependency. */
const CLI_ENTRY = 'dist/cli/index.js';
/** What the command line's package may hold: the bundle and npm's own files. */
const CLI_PACK_FILES = /^(dist\/cli\/[^/]+|package\.json|README\.md|LICENSE)$/;

/** The package.json of the command line's package, from the repository's: its name, version and bin, the bundle as its only files. */
export function cliPackageManifest(
  root: { version: string; description?: string; license?: string; engines?: Record<string, string> },
  repository: string | undefined,
): Record<string, unknown> {
  return {
    name: PUBLISHED_CLI,
    version: root.version,
    description: 'The command line of the setup-pulumi-npm GitHub Action: check and fix the npm dependencies of Pulumi programs.',
    ...(root.license && { license: root.license }),
    type: 'module',
    bin: { 'setup-pulumi-npm': CLI_ENTRY },
    files: ['dist/cli'],
    ...(root.engines && { engines: root.engines }),
    // npm checks a provenance statement against the repository the package names.
    ...(repository && { repository: { type: 'git', url: `git+https://github.com/${repository}.git` } }),
  };
}

/** The highest X.Y.Z among tags vX.Y.Z. */
function latestRelease(tags: string[]): string | undefined {
  const versions = tags.filter((tag) => /^v\d+\.\d+\.\d+$/.test(tag)).map((tag) => tag.slice(1));
  return semver.rsort(versions)[0];
}

function changelogHas(changelog: string, version: string): boolean {
  return changelog.split('\n').some((line) => line.startsWith(`## [${version}]`));
}
