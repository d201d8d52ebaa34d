// `node --import tsx scripts/cli-package.ts DIR [vX.Y.Z]`: stages the command line's npm package in DIR (emptied
// first): a package.json naming the published package (src/report/published-cli.ts) at package.json's version, the
// committed bundle dist/cli (self-contained: no dependencies), the README and the license. The release workflow
// publishes DIR; with a tag given, it must be the version's (a tag of another version publishes nothing).
// GITHUB_REPOSITORY (set on GitHub's runners) goes into the package's "repository", which npm's provenance checks.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliPackageManifest } from './release-plan.js';
import { PUBLISHED_CLI } from '../src/report/published-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Stages the package in `dir`; returns its manifest. */
export function stageCliPackage(dir: string, repository: string | undefined): Record<string, unknown> {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Parameters<typeof cliPackageManifest>[0];
  const manifest = cliPackageManifest(rootManifest, repository);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'dist', 'cli'), join(dir, 'dist', 'cli'), { recursive: true });
  cpSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(dir, 'README.md'),
    `# ${PUBLISHED_CLI}\n\nThe command line of the setup-pulumi-npm GitHub Action, at its release v${rootManifest.version}: the same dependency ` +
      'policy for Pulumi programs, on your machine.\n\n```\n' +
      `npx --yes ${PUBLISHED_CLI}@${rootManifest.version} check [DIR ...]\nnpx --yes ${PUBLISHED_CLI}@${rootManifest.version} fix [--dry-run] [DIR ...]\n` +
      "```\n\n`--help` after a command describes it; the action's README describes the rules and presets.\n",
  );
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir, tag] = process.argv.slice(2);
  if (!dir) {
    console.error('Usage: node --import tsx scripts/cli-package.ts DIR [vX.Y.Z]');
    process.exit(2);
  }
  const manifest = stageCliPackage(resolve(dir), process.env['GITHUB_REPOSITORY'] || undefined);
  if (tag !== undefined && tag !== `v${String(manifest['version'])}`) {
    console.error(`The tag ${tag} is not package.json's version ${String(manifest['version'])}: nothing to publish from it.`);
    process.exit(1);
  }
  console.log(`Staged ${String(manifest['name'])}@${String(manifest['version'])} in ${resolve(dir)}.`);
}
