import semver from 'semver';

/**
 * The npm package the release workflow publishes the command line as (.github/workflows/release.yml, from
 * scripts/cli-package.ts): under the project's own npm scope, so no one else can publish the package a copied command
 * runs. The one place that names it.
 */
export const PUBLISHED_CLI = '@setup-pulumi-npm/cli';

// scripts/bundle.ts replaces this name with package.json's version in dist/; unbundled (the tests), it is not defined.
declare const SETUP_PULUMI_NPM_VERSION: string | undefined;

/** The version of the bundle running, when it is one. */
export function bundledVersion(): string | undefined {
  return typeof SETUP_PULUMI_NPM_VERSION === 'string' ? SETUP_PULUMI_NPM_VERSION : undefined;
}

/**
 * The version of the published command line that matches the running action, or undefined when the action does not
 * run from a release: `actionRef` (GITHUB_ACTION_REF) must be a tag the release script makes for the bundle's
 * `version`, vX.Y.Z itself or the major tag vX that follows it. A branch, a commit SHA or a local `uses: ./` (no ref)
 * runs code no published version holds.
 */
export function releasedCliVersion(actionRef: string | undefined, version: string | undefined): string | undefined {
  if (!actionRef || !version || semver.valid(version) !== version || semver.prerelease(version)) return undefined;
  return actionRef === `v${version}` || actionRef === `v${semver.major(version)}` ? version : undefined;
}

/** The command that runs `fix` from the published command line at `version` (npx's prompt answered) with `args`, each one shell word. */
export function publishedFixCommand(version: string, args: string[]): string {
  return [`npx --yes ${PUBLISHED_CLI}@${version} fix`, ...args].join(' ');
}
