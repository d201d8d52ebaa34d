import { admitsBelow } from '../specs.js';
import { isInstalledSection } from '../sections.js';
import { matchesAny } from '../package-pattern.js';
import {
  isPulumiProgram,
  minimumFor,
  quoteEntry,
  suggestedRange,
  type ClassifiedEntry,
  type FindingMaker,
  type RuleContext,
  type RuleResult,
} from './context.js';

/** scoped-in-dependencies: a scope package belongs in `dependencies` only (and in the allowed list, if any). */
export function scopedInDependencies(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const { config, manifest } = context;
  const inDependencies = new Set(context.entries.filter((c) => c.entry.section === 'dependencies').map((c) => c.entry.name));
  const results: RuleResult[] = [];
  for (const classified of context.entries) {
    if (classified.role !== 'scope') continue;
    const { entry, target } = classified;
    let message: string | undefined;
    if (config.allowedPackages !== undefined && !matchesAny(config.allowedPackages, target)) {
      message =
        `"${target}" is not one of the packages the policy allows ` +
        `(${config.allowedPackages.join(', ') || 'none'}); remove it, or add it to "packages" in the policy file.`;
    } else if (entry.section === 'dependencies') {
      continue;
    } else if (!isInstalledSection(entry.section)) {
      message =
        `"${entry.name}" is listed in ${entry.section}, which packs it into the ` +
        `program's tarball; remove it from there and keep it in "dependencies" only.`;
    } else if (inDependencies.has(entry.name)) {
      message = `"${entry.name}" is also listed in ${entry.section}; remove it from there, it belongs in "dependencies" only.`;
    } else {
      message =
        `"${entry.name}" is listed in ${entry.section}; move it to "dependencies" as ` +
        `${quoteEntry(entry.name, suggestedSpec(classified, context) ?? entry.spec)}, since Pulumi's npm packages are regular dependencies.`;
    }
    results.push({ finding: finding(manifest.file, entry.span, message, entry.name), entry });
  }
  return results;
}

/** linked-peer: each linked package is a peer dependency and nowhere else that npm would install it from. */
export function linkedPeer(context: RuleContext, finding: FindingMaker): RuleResult[] {
  const { manifest, config } = context;
  const results: RuleResult[] = [];
  for (const link of context.links) {
    const listed = context.entries.filter((c) => c.entry.name === link && c.entry.section !== 'peerDependencies');
    const installedFrom = listed.filter((c) => isInstalledSection(c.entry.section));
    const peer = context.entries.find((c) => c.entry.name === link && c.entry.section === 'peerDependencies')?.entry;
    const isPeer = peer !== undefined;
    const peerEntry = quoteEntry(link, config.linkedPeerRange);
    // Any range works with a link, so another one is only a warning: the documents write the entry one way.
    if (peer !== undefined && peer.spec !== config.linkedPeerRange) {
      const message = `"${link}" is listed in peerDependencies as ${JSON.stringify(peer.spec)}; Pulumi's documents list it as ${peerEntry}.`;
      results.push({ finding: { ...finding(manifest.file, peer.valueSpan, message, link), severity: 'warning' }, entry: peer });
    }
    for (const { entry } of installedFrom) {
      const message = isPeer
        ? `"${link}" is also listed in ${entry.section}, so npm would install it from the ` +
          `registry instead of the link; remove it from there and keep the peerDependencies entry.`
        : `"${link}" is listed in ${entry.section}, so npm would install it from the registry instead of ` +
          `the link; move it to "peerDependencies" as ${peerEntry} and install it with npm link ${link}.`;
      results.push({ finding: finding(manifest.file, entry.span, message, link), entry });
    }
    if (!isPeer && installedFrom.length === 0 && isPulumiProgram(context)) {
      const where = manifest.sectionKeys.get('peerDependencies') ?? manifest.rootSpan;
      const message = `"${link}" is missing from "peerDependencies"; add ${peerEntry} there, since it is installed with npm link ${link}.`;
      results.push({ finding: finding(manifest.file, where, message, link) });
    }
  }
  return results;
}

/** The spec to suggest for a scope package: its own when acceptable, else one from the lockfile or the floor. */
function suggestedSpec(classified: ClassifiedEntry, context: RuleContext): string | undefined {
  const { spec, entry } = classified;
  const minimum = minimumFor(context.config, entry.name);
  if (spec.kind === 'range' && (minimum === undefined || !admitsBelow(spec.range, minimum))) return entry.spec;
  return suggestedRange(context, entry.name);
}
