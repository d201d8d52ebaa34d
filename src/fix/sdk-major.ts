import semver from 'semver';
import type { ManifestEntry } from '../policy/manifest.js';
import { isInstalledSection } from '../policy/sections.js';
import { classifySpec } from '../policy/specs.js';
import type { FixEdit } from './plan.js';
import { MetadataError, type MetadataReader, type Packument, type VersionMetadata } from './registry-metadata.js';

/** A move of the SDK to a new major, in one package.json: the entry and the spec it gets. */
export interface SdkMove {
  sdk: string /* '@pulumi/pulumi' */;
  from: string;
  to: string;
}

/** The SDK's edit in `edits`, when it moves the SDK to a range the old one does not overlap (`^2.0.0` to `^3.0.0`). */
export function sdkMoveIn(edits: readonly FixEdit[], entries: readonly ManifestEntry[], sdk: string): SdkMove | undefined {
  for (const edit of edits) {
    if (edit.kind !== 'set' || edit.name !== sdk || !isInstalledSection(edit.section)) continue;
    const from = entries.find((entry) => entry.name === sdk && entry.section === edit.section)?.spec;
    if (from !== undefined && !overlaps(from, edit.spec)) return { sdk, from, to: edit.spec };
  }
  return undefined;
}

/**
 * The edits that move the other scope packages of a package.json (`entries`, less those `untouched` excludes) to the
 * releases that support the SDK's new range: for each, the first release line after the one its spec admits whose
 * latest release's own SDK range overlaps the new one, written as a caret range from that line's first such release.
 * A package whose spec already admits a release that supports it stays. Throws a MetadataError naming the package
 * when one cannot be worked out.
 */
export async function providerMoves(
  move: SdkMove,
  entries: readonly ManifestEntry[],
  scope: string,
  dir: string,
  metadata: MetadataReader,
): Promise<FixEdit[]> {
  const edits: FixEdit[] = [];
  for (const entry of entries) {
    if (entry.name === move.sdk || !entry.name.startsWith(`${scope}/`) || !isInstalledSection(entry.section)) continue;
    const spec = classifySpec(entry.name, entry.spec, dir);
    // A generated SDK is Pulumi's to regenerate (`pulumi install`), not fix's.
    if (spec.kind === 'generated-sdk') continue;
    if ((spec.kind !== 'range' && spec.kind !== 'tag') || spec.target !== entry.name) {
      throw new MetadataError(`"${entry.name}" is listed as ${JSON.stringify(entry.spec)}, not a registry range fix can move with it`);
    }
    const packument = await metadata.packument(entry.name);
    const range = spec.kind === 'range' ? spec.range : (packument['dist-tags']?.[spec.tag] ?? spec.tag);
    const needed = supportingSpec(entry.name, range, packument, move);
    if (needed !== undefined) edits.push({ kind: 'set', section: entry.section, name: entry.name, spec: needed });
  }
  return edits;
}

/** The spec `name` needs for the SDK's new range; undefined when `range` already gets a release that supports it. */
function supportingSpec(name: string, range: string, packument: Packument, move: SdkMove): string | undefined {
  const supports = (version: string) => supportsSdk(packument.versions[version]!, move.sdk, move.to);
  const versions = Object.keys(packument.versions).filter((version) => semver.valid(version) !== null && semver.prerelease(version) === null);
  const current = semver.maxSatisfying(versions, range);
  if (current !== null && supports(current)) return undefined;
  const lines = releaseLines(versions);
  const after = current === null ? semver.minVersion(range)?.version : current;
  for (const line of lines) {
    const latest = line.at(-1)!;
    if (after !== undefined && semver.lte(latest, after)) continue;
    if (!supports(latest)) continue;
    const first = line.find((version) => semver.gt(version, after ?? '0.0.0-0') && supports(version))!;
    return `^${first}`;
  }
  const latest = current ?? semver.maxSatisfying(versions, '*');
  const asked = latest === null ? undefined : sdkRangesOf(packument.versions[latest]!, move.sdk).join(' and ');
  const asks = latest === null ? 'it has no release' : `its release ${latest} asks for ${move.sdk} ${asked}`;
  throw new MetadataError(`no release of "${name}" after ${range} supports ${move.sdk} ${move.to} (${asks})`);
}

/** The versions grouped by release line (the major; the minor for 0.x, as a caret range reads them), each oldest first. */
function releaseLines(versions: string[]): string[][] {
  const lines = new Map<string, string[]>();
  for (const version of versions.sort(semver.compare)) {
    const line = semver.major(version) === 0 ? `0.${semver.minor(version)}` : `${semver.major(version)}`;
    lines.set(line, [...(lines.get(line) ?? []), version]);
  }
  return [...lines.values()];
}

/** The ranges a release gives the SDK, as a dependency and as a peer. */
function sdkRangesOf(version: VersionMetadata, sdk: string): string[] {
  return [version.dependencies?.[sdk], version.peerDependencies?.[sdk]].filter((range) => typeof range === 'string');
}

/** A release works with the SDK at `sdkRange`: it needs no SDK, or each range it gives the SDK overlaps `sdkRange`. */
function supportsSdk(version: VersionMetadata, sdk: string, sdkRange: string): boolean {
  return sdkRangesOf(version, sdk).every((range) => overlaps(range, sdkRange));
}

/** Two ranges admit a common version; a spec that is not a range (a tag, a URL) overlaps nothing. */
function overlaps(a: string, b: string): boolean {
  try {
    return semver.validRange(a) !== null && semver.validRange(b) !== null && semver.intersects(a, b);
  } catch {
    return false;
  }
}
