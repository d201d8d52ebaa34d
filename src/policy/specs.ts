import npa from 'npm-package-arg';
import semver from 'semver';
import { isGeneratedSdkSpec } from './generated-sdk.js';

/** What a dependency's spec says about where npm would get the package. */
export type SpecKind =
  | { kind: 'range'; range: string; target: string } /* a registry range or exact version of `target` */
  | { kind: 'tag'; tag: string; target: string }
  | { kind: 'elsewhere'; type: string } /* git, file, directory or remote tarball */
  | { kind: 'generated-sdk' } /* a local SDK that `pulumi package add` generated in sdks/ */
  /* pnpm, yarn 2+ and bun: `workspace:` (a package of this workspace) or pnpm's `catalog:` (a range in pnpm-workspace.yaml) */
  | { kind: 'manager-protocol'; protocol: 'workspace' | 'catalog' }
  | { kind: 'invalid'; reason: string };

/** Classifies `spec` as npm would for `name` (resolving `npm:` aliases to their target). */
export function classifySpec(name: string, spec: string, dir: string): SpecKind {
  // Most specs are plain ranges: semver says so far faster than npm-package-arg, which handles every other kind.
  if (semver.validRange(spec) !== null) return { kind: 'range', range: spec, target: name };
  if (isGeneratedSdkSpec(spec)) return { kind: 'generated-sdk' };
  // npm-package-arg knows neither: they are the other managers' own, and valid there.
  const protocol = /^(workspace|catalog):/.exec(spec)?.[1] as 'workspace' | 'catalog' | undefined;
  if (protocol) return { kind: 'manager-protocol', protocol };
  let parsed: npa.Result;
  try {
    parsed = npa.resolve(name, spec, dir);
  } catch (error) {
    return { kind: 'invalid', reason: firstLine(error) };
  }
  const resolved = parsed.type === 'alias' ? (parsed as npa.AliasResult).subSpec : parsed;
  const target = resolved.name ?? name;
  switch (resolved.type) {
    case 'range':
    case 'version':
      return { kind: 'range', range: resolved.fetchSpec ?? spec, target };
    case 'tag':
      return { kind: 'tag', tag: resolved.fetchSpec ?? spec, target };
    default:
      return { kind: 'elsewhere', type: resolved.type };
  }
}

/** The lowest version `range` admits, or undefined when it admits none. */
export function lowestAdmitted(range: string): string | undefined {
  try {
    return semver.minVersion(range)?.version;
  } catch {
    return undefined;
  }
}

/** True when `range` admits some version below `minimum` (prereleases of `minimum` count as below). */
export function admitsBelow(range: string, minimum: string): boolean {
  const lowest = lowestAdmitted(range);
  return lowest !== undefined && semver.lt(lowest, minimum);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
