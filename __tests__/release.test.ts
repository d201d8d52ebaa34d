/** The release rules of scripts/release.ts: its checks and the tags it makes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { stageCliPackage } from '../scripts/cli-package.js';
import { cliPackageManifest, planRelease, type ReleaseFacts } from '../scripts/release-plan.js';
import { PUBLISHED_CLI } from '../src/report/published-cli.js';

const ready: ReleaseFacts = {
  requested: '1.2.0',
  packageVersion: '1.2.0',
  tags: ['v1', 'v1.0.0', 'v1.1.0', 'v1.1.1', 'v0.9.0'],
  changelog: '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-11-21\n\n### Added\n- x\n',
  uncommitted: [],
  distChanges: [],
  cliPackFiles: ['LICENSE', 'README.md', 'dist/cli/index.js', 'dist/cli/licenses.txt', 'dist/cli/package.json', 'package.json'],
};
const failed = (facts: ReleaseFacts): string[] =>
  planRelease(facts, 'origin')
    .checks.filter((check) => !check.ok)
    .map((check) => check.text);

describe('planRelease', () => {
  test('tags vX.Y.Z, moves vX to it, and pushes both', () => {
    const plan = planRelease(ready, 'upstream');
    assert.deepEqual(failed(ready), []);
    assert.deepEqual([plan.tag, plan.majorTag], ['v1.2.0', 'v1']);
    assert.ok(plan.checks.some((check) => check.text === 'v1 moves from v1.1.1 to v1.2.0'));
    assert.deepEqual(plan.commands, [
      ['git', 'tag', '--annotate', 'v1.2.0', '--message', 'v1.2.0'],
      ['git', 'tag', '--force', '--annotate', 'v1', '--message', 'v1 at v1.2.0'],
      ['git', 'push', 'upstream', 'refs/tags/v1.2.0'],
      ['git', 'push', '--force', 'upstream', 'refs/tags/v1'],
    ]);
  });

  test('a first release and a new major make the major tag', () => {
    const first = planRelease({ ...ready, requested: 'v1.0.0', packageVersion: '1.0.0', tags: [], changelog: '## [1.0.0] - 2026-11-21\n' }, 'origin');
    assert.deepEqual(
      first.checks.map((check) => check.text),
      [
        'v1.0.0 is a new tag',
        'v1.0.0 is the first release',
        "package.json's version is 1.0.0",
        'CHANGELOG.md has a section "## [1.0.0]"',
        'the working tree is clean',
        'dist/ is what npm run bundle makes of src/',
        'v1 is new, at v1.0.0',
        `pushing v1.0.0 has the release workflow publish ${PUBLISHED_CLI}@1.0.0 (dist/cli, no dependencies) to npm, with provenance`,
      ],
    );
    const major = planRelease({ ...ready, requested: '2.0.0', packageVersion: '2.0.0', changelog: '## [2.0.0]\n' }, 'origin');
    assert.equal(major.majorTag, 'v2');
    assert.ok(major.checks.some((check) => check.text === 'v2 is new, at v2.0.0'));
  });

  test('refuses a stale dist/, a dirty tree, a version package.json or CHANGELOG.md does not name', () => {
    assert.deepEqual(
      failed({ ...ready, packageVersion: '1.1.1', changelog: '## [Unreleased]\n', uncommitted: [' M src/main.ts'], distChanges: [' M dist/index.js'] }),
      [
        "package.json's version is 1.1.1: set it to 1.2.0 and commit",
        'CHANGELOG.md has no section "## [1.2.0]": move what Unreleased lists there, with the date, and commit',
        'the working tree has uncommitted changes:  M src/main.ts',
        'dist/ is stale (npm run bundle changed  M dist/index.js): commit the new bundle',
      ],
    );
  });

  test('refuses a tag that exists, a version before the latest, and what is not X.Y.Z', () => {
    assert.deepEqual(failed({ ...ready, requested: '1.1.1', packageVersion: '1.1.1', changelog: '## [1.1.1]\n' }), [
      'v1.1.1 is already tagged',
      'v1.1.1 does not come after the latest release, v1.1.1',
    ]);
    assert.deepEqual(failed({ ...ready, requested: '1.0.5', packageVersion: '1.0.5', changelog: '## [1.0.5]\n' }), [
      'v1.0.5 does not come after the latest release, v1.1.1',
    ]);
    for (const requested of ['1.2', 'latest', '1.2.0-rc.1']) {
      const plan = planRelease({ ...ready, requested }, 'origin');
      assert.deepEqual(failed({ ...ready, requested }), [`"${requested}" is not a version X.Y.Z`]);
      assert.deepEqual(plan.commands, []);
    }
  });
});

describe("the command line's npm package", () => {
  test('is the published name at the version, with the bundle as its bin and only files, and no dependencies', () => {
    const manifest = cliPackageManifest({ version: '1.2.0', license: 'MIT', engines: { node: '>=20' } }, 'acme/setup-pulumi-npm');
    assert.deepEqual(manifest, {
      name: PUBLISHED_CLI,
      version: '1.2.0',
      description: manifest['description'],
      license: 'MIT',
      type: 'module',
      bin: { 'setup-pulumi-npm': 'dist/cli/index.js' },
      files: ['dist/cli'],
      engines: { node: '>=20' },
      repository: { type: 'git', url: 'git+https://github.com/acme/setup-pulumi-npm.git' },
    });
    assert.match(PUBLISHED_CLI, /^@[a-z0-9-]+\/[a-z0-9-]+$/, "a scoped name: only the scope's owner publishes it");
  });

  test('the release refuses a package without the bundle or with other files', () => {
    assert.deepEqual(failed({ ...ready, cliPackFiles: ['package.json', 'README.md'] }), [
      "the command line's package lacks dist/cli/index.js: run npm run bundle",
    ]);
    assert.deepEqual(failed({ ...ready, cliPackFiles: [...ready.cliPackFiles, 'src/cli/run.ts', '.npmrc'] }), [
      "the command line's package would hold files besides the bundle: src/cli/run.ts, .npmrc",
    ]);
  });

  test(
    'staged from the bundle, npm packs dist/cli and its own files alone, and its bin runs the command line',
    { skip: !existsSync('dist/cli/index.js') && 'no bundle: npm run bundle' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'cli-package-test-'));
      try {
        stageCliPackage(dir, undefined);
        const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' })) as {
          files: { path: string }[];
        }[];
        const files = packed!.files.map((file) => file.path);
        assert.ok(files.includes('dist/cli/index.js'), files.join(', '));
        assert.deepEqual(failed({ ...ready, cliPackFiles: files }), []);
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
        assert.equal(manifest['dependencies'], undefined);
        const help = execFileSync(process.execPath, [join(dir, 'dist/cli/index.js'), '--help'], { encoding: 'utf8' });
        assert.match(help, /setup-pulumi-npm check/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('the release workflow', () => {
  test('publishes from a release tag or by hand, with the OIDC token for provenance and the npm token from a secret', () => {
    const workflow = YAML.parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
      on: { push: { tags: string[] }; workflow_dispatch: unknown };
      jobs: Record<string, { permissions: Record<string, string>; steps: { run?: string; env?: Record<string, string> }[] }>;
    };
    assert.deepEqual(workflow.on.push.tags, ['v[0-9]+.[0-9]+.[0-9]+']);
    assert.ok(workflow.on.workflow_dispatch);
    const [job] = Object.values(workflow.jobs);
    assert.deepEqual(job!.permissions, { contents: 'write', 'id-token': 'write' });
    const publish = job!.steps.find((step) => step.run?.includes('npm publish'));
    assert.equal(publish?.run?.trim(), 'npm publish --provenance --access public');
    assert.equal(publish?.env?.['NODE_AUTH_TOKEN'], '${{ secrets.NPM_TOKEN }}');
    assert.ok(
      job!.steps.some((step) => step.run?.includes('scripts/cli-package.ts')),
      'the package is staged by the script the release checks',
    );
  });
});
