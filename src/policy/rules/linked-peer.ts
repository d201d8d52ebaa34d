import { isInstalledSection } from '../sections.js';
import { isPulumiProgram, quoteEntry, type FindingMaker, type RuleContext, type RuleResult } from './context.js';
import { ERROR_IN_EVERY_PRESET, type FixContext, staticRule } from './rule.js';

/** Each linked package is a peer dependency and nowhere else that npm would install it from. */
export const linkedPeer = staticRule('linked-peer', ERROR_IN_EVERY_PRESET, {
  short: 'A linked package is a peer dependency.',
  help:
    'A package installed with `npm link` (pulumi) is listed in "peerDependencies" as "latest" and nowhere npm would install it from, ' +
    'so the link is not replaced by a registry copy. `setup-pulumi-npm fix` moves or adds it.',
  check,
  fix,
});

function check(context: RuleContext, finding: FindingMaker): RuleResult[] {
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

/** Removes the entries npm would install the link from, and sets the peer entry's range: the preset's links, so its edits. */
function fix({ entry, options: { config }, listedIn, set, remove }: FixContext): void {
  if (entry !== undefined && entry.section !== 'peerDependencies') remove(entry, 'preset');
  if (entry?.section === 'peerDependencies' || !listedIn('peerDependencies')) set('peerDependencies', config.linkedPeerRange, 'preset');
}
