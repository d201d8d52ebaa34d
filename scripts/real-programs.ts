// Runs the dependency policy (preset current, before any install) over every Node.js Pulumi program of a checkout of
// pulumi/examples, and compares the findings with the verdicts in __tests__/real-programs/expected.json.
//   npm run real-programs -- <pulumi-examples checkout> [--write]
// Exit 1 on any difference. --write records the findings as the new verdicts (judge each one by hand first).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkProgram, parsePolicyConfig } from '../src/policy/index.js';
import { readPulumiProject } from '../src/policy/pulumi-project.js';
import { readProgram } from '../src/program-files/read.js';
import { toPosix } from '../src/util/text.js';

const EXPECTED = new URL('../__tests__/real-programs/expected.json', import.meta.url);
const MAX_DEPTH = 6;
const [root, ...flags] = process.argv.slice(2);
if (!root) {
  console.error('Usage: npm run real-programs -- <pulumi-examples checkout> [--write]');
  process.exit(2);
}

/** Folders holding a Pulumi.yaml whose runtime is nodejs and a package.json, in sorted order. */
async function nodePrograms(dir: string, depth = 0): Promise<string[]> {
  const entries = readdirSync(dir, { withFileTypes: true });
  const names = new Set(entries.map((entry) => entry.name));
  const found: string[] = [];
  if (names.has('Pulumi.yaml') && names.has('package.json')) {
    const file = join(dir, 'Pulumi.yaml');
    const project = await readPulumiProject([{ path: file, text: readFileSync(file, 'utf8') }]);
    if (project?.runtime === 'nodejs' || project?.runtime === 'bun') found.push(dir);
  }
  if (depth >= MAX_DEPTH) return found;
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').sort((a, b) => (a.name < b.name ? -1 : 1)))
    found.push(...(await nodePrograms(join(dir, entry.name), depth + 1)));
  return found;
}

const { config } = await parsePolicyConfig(undefined, 'current');
if (config === undefined) throw new Error('The current preset has no config.');
const options = { scope: '@pulumi', links: [], registryUrl: 'https://registry.npmjs.org/', config };
const actual: Record<string, string[]> = {};
const byRule: Record<string, number> = {};
let failing = 0;
const programs = await nodePrograms(root);
for (const dir of programs) {
  const report = await checkProgram(await readProgram(dir, config), options);
  if (report.findings.some((finding) => finding.severity === 'error')) failing++;
  if (report.findings.length === 0) continue;
  actual[toPosix(relative(root, dir))] = report.findings.map((finding) => `${finding.rule} ${finding.package ?? '-'}`).sort();
  for (const finding of report.findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
}
const total = Object.values(byRule).reduce((sum, count) => sum + count, 0);
console.log(`${programs.length} programs: ${programs.length - failing} pass, ${failing} fail, ${total} findings`);
for (const [rule, count] of Object.entries(byRule).sort()) console.log(`  ${rule}: ${count}`);

if (flags.includes('--write')) {
  writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
  console.log(`Wrote ${relative(process.cwd(), EXPECTED.pathname)}.`);
  process.exit(0);
}
const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, string[]>;
const differences: string[] = [];
for (const folder of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
  const want = expected[folder] ?? [];
  const got = actual[folder] ?? [];
  for (const item of got.filter((finding) => !want.includes(finding))) differences.push(`+ ${folder}: ${item} (not in the verdicts)`);
  for (const item of want.filter((finding) => !got.includes(finding))) differences.push(`- ${folder}: ${item} (expected, not found)`);
}
for (const line of differences) console.log(line);
if (differences.length > 0) {
  console.log(`${differences.length} differences from the verdicts.`);
  process.exit(1);
}
console.log('Every finding matches the verdicts.');
