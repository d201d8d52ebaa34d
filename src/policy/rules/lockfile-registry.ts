import { basename } from 'node:path';
import semver from 'semver';
import { isGeneratedSdkLink, isWorkspaceLink } from '../generated-sdk.js';
import { fieldWhere, installedFor, type Lockfile, type LockfileResult } from '../lockfile.js';
import type { Span } from '../positions.js';
import { DEFAULT_HOST_REPLACEMENT, fetchedFrom, isServedBy } from '../registry-host.js';
import { isInstalledSection } from '../sections.js';
import type { Finding } from '../types.js';
import { quoteEntry, type FindingMaker, type RuleContext, type RuleResult, type SharedContext } from './context.js';
import { ERROR_IN_EVERY_PRESET, staticRule } from './rule.js';

/** The lockfile installs each scope package from the registry npm resolves the scope from, and is in step with package.json. */
export const lockfileRegistry = staticRule('lockfile-registry', ERROR_IN_EVERY_PRESET, {
  short: 'The lockfile installs scope packages from the registry, in step with package.json.',
  help: "The lockfile resolves each scope package from the scope's registry and matches package.json. Run the manager's install and commit the lockfile.",
  check: inStep,
  checkLockfile: fromRegistry,
});

const START: Span = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** The lockfile's own name, as messages give it. */
function lockfileName(lockfile: Lockfile): string {
  return basename(lockfile.file);
}

function runInstall(lockfile: Lockfile): string {
  return `run ${lockfile.writer.install} and commit the updated ${lockfileName(lockfile)}`;
}

/**
 * Registry half: the lockfile can be read, installs every scope package from the configured registry (a
 * dependency-confusion guard), and never installs a linked package from any registry. Runs once per lockfile.
 */
function fromRegistry(read: LockfileResult, context: SharedContext, finding: FindingMaker): Finding[] {
  if ('error' in read) return [finding(read.error.file, read.error.span, read.error.message)];
  if ('skipped' in read) return [{ ...finding(read.skipped.file, START, read.skipped.message), severity: 'notice' }];
  const { lockfile } = read;
  const registry = context.options.registryUrl;
  const replacement = context.options.hostReplacement ?? DEFAULT_HOST_REPLACEMENT;
  const name = lockfileName(lockfile);
  const thenRunInstall = `then ${runInstall(lockfile)}`;
  const findings: Finding[] = [];
  const report = (span: Span, message: string, pkg: string): void => {
    findings.push(finding(lockfile.file, span, message, pkg));
  };
  for (const entry of lockfile.packages.values()) {
    if (context.ignored(entry.name)) continue;
    if (context.links.includes(entry.name)) {
      const fetched = (entry.resolved !== undefined || entry.fromRegistry === true) && !entry.link;
      const omitted = lockfile.writer.omitsPeersWith;
      // bun keeps every peer in its lockfile: no edit clears it, so say how the install leaves it out (the action's does).
      if (fetched && omitted !== undefined)
        findings.push({
          ...finding(
            lockfile.file,
            lockfile.locate(fieldWhere(entry, 'resolved'), 'value'),
            `${name} records the linked package "${entry.name}" from ${entry.resolved ?? 'the registry'} (${lockfile.writer.name} records every peer); ` +
              `this action installs with the peers left out and links it, but a plain ${lockfile.writer.install} would install that registry package: ` +
              `use ${omitted}.`,
            entry.name,
          ),
          severity: 'notice',
        });
      else if (fetched)
        report(
          lockfile.locate(fieldWhere(entry, 'resolved'), 'value'),
          `${name} installs the linked package "${entry.name}" from ${entry.resolved ?? 'the registry'}, where anyone can publish that name; it must come ` +
            `only from npm link ${entry.name}: mark it optional in "peerDependenciesMeta" (or install with --legacy-peer-deps), ${thenRunInstall}.`,
          entry.name,
        );
      continue;
    }
    if (!context.inScope(entry.name)) continue;
    const folders = [...(lockfile.roots?.keys() ?? [''])];
    if (entry.link && (isGeneratedSdkLink(entry, folders) || isWorkspaceLink(entry, folders))) continue;
    if (entry.link)
      report(
        lockfile.locate(entry.where, 'key'),
        `${name} links "${entry.name}" from a local folder (${entry.path}) instead ` +
          `of installing it from ${registry}; list it with a registry range, ${thenRunInstall}.`,
        entry.name,
      );
    else if (entry.resolved !== undefined) {
      // npm fetches a lockfile's URL after replace-registry-host rewrote it (a mirror serves registry.npmjs.org's entries).
      const { writer } = lockfile;
      const fetched = writer.replacesRegistryHost ? fetchedFrom(entry.resolved, replacement) : entry.resolved;
      if (isServedBy(fetched, registry)) continue;
      const fetchedHow = writer.replacesRegistryHost
        ? `, which ${writer.name} fetches from ${hostOf(fetched)} (replace-registry-host=${replacement.replace || 'npmjs'}),`
        : ',';
      report(
        lockfile.locate(fieldWhere(entry, 'resolved'), 'value'),
        `${name} resolves "${entry.name}" from ${entry.resolved}${fetchedHow} not from ${registry}; ` +
          `point the ${context.options.scope} scope at ${registry} in ${writer.scopeConfig}, ${thenRunInstall}.`,
        entry.name,
      );
    }
  }
  return findings;
}

/** In-step half: the lockfile records this package.json's scope and linked entries as they are. */
function inStep(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const { lockfile } = context;
  if (lockfile === undefined) return [];
  const results: RuleResult[] = [];
  const report = (span: Span, message: string, name?: string): void => {
    const outOfStep = `${lockfileName(lockfile)} is out of step with ${packageJsonName(context)}: ${message}; ${runInstall(lockfile)}.`;
    results.push({ finding: finding(lockfile.file, span, outOfStep, name) });
  };
  const root = lockfile.roots?.get(context.folder);
  const installed = context.entries.filter((c) => c.role !== 'other' && isInstalledSection(c.entry.section));
  // A section the format does not copy is not compared (pnpm records peerDependencies only when it installs them).
  const tracked = installed.filter((c) => root?.copied === undefined || root.copied.some((section) => section === c.entry.section));
  if (lockfile.roots !== undefined && root === undefined) {
    if (tracked.length > 0)
      report(lockfile.locate([], 'key'), `it has no entry for ${context.folder === '' ? 'the program' : `the workspace ${context.folder}`}`);
    return results;
  }
  for (const { entry, spec, role } of tracked) {
    const recorded = root?.specs.get(entry.name);
    if (root !== undefined && recorded === undefined)
      report(lockfile.locate(root.where, 'key'), `it does not list ${quoteEntry(entry.name, entry.spec)}`, entry.name);
    else if (recorded !== undefined && recorded.spec !== entry.spec)
      report(
        lockfile.locate(recorded.where, 'property'),
        `it records ${quoteEntry(entry.name, recorded.spec)} where package.json has "${entry.spec}"`,
        entry.name,
      );
    else if (role === 'scope' && spec.kind === 'range')
      checkInstalledVersion(lockfile, context, { name: entry.name, spec: entry.spec, range: spec.range }, report, root === undefined);
  }
  if (root !== undefined) {
    const listed = new Set(installed.map((c) => c.entry.name));
    for (const [name, recorded] of root.specs)
      if (context.inScope(name) && !listed.has(name) && !context.ignored(name))
        report(lockfile.locate(recorded.where, 'property'), `it lists ${quoteEntry(name, recorded.spec)}, which package.json does not`, name);
  }
  return results;
}

/**
 * The version the lockfile pins admits the range; in lockfile version 1 (no copy of package.json) it must also exist.
 * The finding is on the lockfile's line that pins it: the lockfile pins the version, package.json only asks for a range.
 */
function checkInstalledVersion(
  lockfile: Lockfile,
  context: RuleContext,
  { name, spec, range }: { name: string; spec: string; range: string },
  report: (span: Span, message: string, name?: string) => void,
  mustExist: boolean,
): void {
  const installed = installedFor(lockfile, context.folder, name, spec);
  if (installed === undefined) {
    if (mustExist) report(lockfile.locate([], 'key'), `it does not install "${name}"`, name);
    return;
  }
  if (installed.link || installed.version === undefined || semver.validRange(range) === null) return;
  if (!semver.satisfies(installed.version, range, { includePrerelease: true }))
    report(
      lockfile.locate(fieldWhere(installed, 'version'), 'value'),
      `it pins "${name}" at ${installed.version}, outside ${packageJsonName(context)}'s range "${range}"`,
      name,
    );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function packageJsonName(context: RuleContext): string {
  return context.folder === '' ? 'package.json' : `${context.folder}/package.json`;
}
