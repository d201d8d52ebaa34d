import { parseManifest, type Manifest } from './manifest.js';
import { effectiveLinks } from './links.js';
import { packageRows } from './report.js';
import { linkedPeer, scopedInDependencies } from './rules/placement.js';
import { minimumVersion } from './rules/minimum-version.js';
import type { ClassifiedEntry, RuleContext, RuleResult } from './rules/context.js';
import { ruleSeverity } from './severity.js';
import { classifySpec } from './specs.js';
import type { PolicyOptions, ProgramInput, ProgramReport } from './types.js';

export { applyPolicyMode } from './severity.js';
export { summaryRows } from './report.js';
export { parsePolicyConfig } from './config.js';
export { checkInstalledTree } from './installed.js';
export { effectiveLinks } from './links.js';
export type * from './types.js';


/** Checks a program's package.json (and, from stage 2, its sources and lockfile) against the policy. Pure. */
export function checkProgram(program: ProgramInput, options: PolicyOptions): ProgramReport {
  const parsed = parseManifest(program.packageJson);
  if (parsed.manifest === undefined) return { dir: program.dir, findings: parsed.findings, packages: [] };
  const context = ruleContext(program.dir, parsed.manifest, options);
  const results = dropRepeats([...scopedInDependencies(context), ...linkedPeer(context), ...minimumVersion(context)]);
  return {
    dir: program.dir,
    findings: [...parsed.findings, ...results.map((result) => result.finding)],
    packages: packageRows(context.entries, results, new Map()),
  };
}

function ruleContext(dir: string, manifest: Manifest, options: PolicyOptions): RuleContext {
  const { config, scope } = options;
  const links = effectiveLinks(options);
  const inScope = (name: string): boolean => name.startsWith(`${scope}/`);
  const entries: ClassifiedEntry[] = manifest.entries
    .filter((entry) => !config.ignorePackages.includes(entry.name))
    .map((entry) => {
      const spec = classifySpec(entry.name, entry.spec || '*', dir);
      const target = spec.kind === 'range' || spec.kind === 'tag' ? spec.target : entry.name;
      const role = links.includes(entry.name) ? 'link' : inScope(entry.name) || inScope(target) ? 'scope' : 'other';
      return { entry, spec, target, role };
    });
  return { dir, manifest, entries, options, config, links, severity: (rule) => ruleSeverity(config, rule) };
}

/**
 * One finding per entry and severity: when an entry is out of place its placement message already gives the
 * range to use, so a minimum-version finding of the same severity on the same entry would only repeat it.
 */
function dropRepeats(results: RuleResult[]): RuleResult[] {
  const placed = new Set(
    results.filter((r) => r.entry !== undefined && r.finding.rule !== 'minimum-version').map((r) => `${r.finding.severity}\0${r.entry!.name}\0${r.entry!.section}`),
  );
  return results.filter(
    (r) => r.finding.rule !== 'minimum-version' || !placed.has(`${r.finding.severity}\0${r.entry!.name}\0${r.entry!.section}`),
  );
}
