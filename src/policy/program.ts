import { toPosix } from '../util/text.js';
import { resolveImplied, type Implication, type ImpliedResult } from './implied.js';
import type { Lockfile } from './lockfile.js';
import { parseManifest, type Manifest } from './manifest.js';
import { readPulumiProject, type PulumiProject } from './pulumi-project.js';
import { presetHint } from './preset-hint.js';
import { packageRows } from './tally.js';
import type { ClassifiedEntry, FindingMaker, RuleContext, RuleResult, SharedContext } from './rules/context.js';
import { linkedPeer, undeclaredDependency } from './rules/index.js';
import type { StaticRule } from './rules/rule.js';
import { collectUsage, type Usage } from './scan/usage.js';
import { classifySpec } from './specs.js';
import type { Finding, PackageRow, ProgramInput } from './types.js';

/** The static rules that are on, in the list's order, each with what makes its findings. */
export type ActiveStaticRules = { rule: StaticRule; finding: FindingMaker }[];

/**
 * Checks one package.json (the program's, or one workspace's) and its sources with the static rules, in order.
 * `folder` is the package's folder relative to the lockfile's; `workspace` its folder relative to the program's ('' for
 * the program itself), which differ for a workspace member checked alone with its root's lockfile.
 */
export async function checkPackage(
  input: ProgramInput,
  { folder, workspace }: { folder: string; workspace: string },
  lockfile: Lockfile | undefined,
  shared: SharedContext,
  rules: ActiveStaticRules,
): Promise<{ findings: Finding[]; rows: PackageRow[] }> {
  const parsed = parseManifest(input.packageJson);
  if (parsed.manifest === undefined) return { findings: parsed.findings, rows: [] };
  const usage = await collectUsage(input.sources);
  const entries = classify(parsed.manifest, input.dir, shared);
  const listed = entries.map((c) => c.entry.name);
  const implied = await resolveImplied(shared.config.impliedUses, new Set(usage.byPackage.keys()), listed, input.stackConfigs ?? []);
  const runtime = runtimeUse(await readPulumiProject(input.stackConfigs ?? []), usage, shared);
  if (runtime !== undefined && !implied.implied.has(SDK_PACKAGE)) implied.implied.set(SDK_PACKAGE, runtime);
  const context: RuleContext = { ...shared, dir: input.dir, folder, manifest: parsed.manifest, entries, usage, implied };
  if (lockfile !== undefined) context.lockfile = lockfile;
  const results = oneFindingPerEntry(rules.flatMap(({ rule, finding }) => rule.check(context, finding)));
  const rows = packageRows(context.entries, results, usedBy(usage, implied, input.dir));
  if (workspace !== '') for (const row of rows) row.workspace = workspace;
  const hint = workspace === '' ? presetHint(context) : undefined;
  return { findings: [...(hint ? [hint] : []), ...parsed.findings, ...results.map((result) => result.finding)], rows };
}

/** The SDK: Pulumi's Node.js language host starts every program through its run entry point in node_modules. */
const SDK_PACKAGE = '@pulumi/pulumi';

/** @pulumi/pulumi is used by the run time in a Pulumi program: Pulumi.yaml says runtime nodejs or bun, or a source loads a scope package. */
function runtimeUse(project: PulumiProject | undefined, usage: Usage, shared: SharedContext): Implication | undefined {
  const runtime = project?.runtime;
  if (runtime === 'nodejs' || runtime === 'bun') return { by: 'Pulumi.yaml', reason: `used by the Pulumi run time: Pulumi.yaml runtime ${runtime}` };
  const scopeUser = [...usage.byPackage.keys()].find((name) => name !== SDK_PACKAGE && shared.inScope(name));
  return scopeUser === undefined ? undefined : { by: scopeUser, reason: `used by the Pulumi run time: the program uses ${scopeUser}` };
}

function classify(manifest: Manifest, dir: string, shared: SharedContext): ClassifiedEntry[] {
  return manifest.entries
    .filter((entry) => !shared.ignored(entry.name))
    .map((entry) => {
      const spec = classifySpec(entry.name, entry.spec || '*', dir);
      const target = spec.kind === 'range' || spec.kind === 'tag' ? spec.target : entry.name;
      const role = shared.links.includes(entry.name) ? 'link' : shared.inScope(entry.name) || shared.inScope(target) ? 'scope' : 'other';
      return { entry, spec, target, role };
    });
}

/**
 * One finding per package.json entry and severity: the rules run in the list's order of priority, and the first
 * finding on an entry already says what to change there (a misplaced entry's message gives the range to use, say).
 * A linked package reported missing from peerDependencies is not reported again as undeclared in the sources.
 */
function oneFindingPerEntry(results: RuleResult[]): RuleResult[] {
  const seen = new Set<string>();
  const missingLinks = new Set(results.filter((r) => r.finding.rule === linkedPeer.id && r.entry === undefined).map((r) => r.finding.package));
  return results.filter(({ finding, entry }) => {
    if (finding.rule === undeclaredDependency.id && missingLinks.has(finding.package)) return false;
    if (entry === undefined) return true;
    const key = `${finding.severity}\0${entry.section}\0${entry.name}\0${entry.span.start.line}:${entry.span.start.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** For the summary: which files load each package (relative, marked when only for types), or why it is implied. */
function usedBy(usage: Usage, implied: ImpliedResult, dir: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [name, uses] of usage.byPackage) {
    const typeOnlyByFile = new Map<string, boolean>();
    for (const { file, use } of uses) typeOnlyByFile.set(file.path, (typeOnlyByFile.get(file.path) ?? true) && use.typeOnly);
    // Sources lie under the program's folder, so slicing gives the relative path.
    result.set(
      name,
      [...typeOnlyByFile].map(([path, typeOnly]) => `${toPosix(path.slice(dir.length + 1))}${typeOnly ? ' (types only)' : ''}`),
    );
  }
  for (const [name, implication] of implied.implied) result.set(name, [...(result.get(name) ?? []), `(${implication.reason})`]);
  return result;
}
