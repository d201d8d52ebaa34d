/** The release rules of scripts/release.ts: its checks and the tags it makes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planRelease, type ReleaseFacts } from '../scripts/release-plan.js';

const ready: ReleaseFacts = {
  requested: '1.2.0',
  packageVersion: '1.2.0',
  tags: ['v1', 'v1.0.0', 'v1.1.0', 'v1.1.1', 'v0.9.0'],
  changelog: '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-11-21\n\n### Added\n- x\n',
  uncommitted: [],
  distChanges: [],
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
