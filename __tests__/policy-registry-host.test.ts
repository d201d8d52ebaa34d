import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchedFrom } from '../src/policy/registry-host.js';

describe("fetchedFrom (npm's replace-registry-host)", () => {
  const tarball = 'https://registry.npmjs.org/@pulumi/aws/-/aws-6.0.0.tgz';
  const at = (replace: string, resolved = tarball, registry = 'https://mirror.example.test/') => fetchedFrom(resolved, { replace, registry });

  it('replaces the public registry by default (npmjs), every host with always, none with never', () => {
    assert.equal(at('npmjs'), 'https://mirror.example.test/@pulumi/aws/-/aws-6.0.0.tgz');
    assert.equal(at('npmjs', 'https://registry.yarnpkg.com/@pulumi/aws/-/aws-6.0.0.tgz'), 'https://mirror.example.test/@pulumi/aws/-/aws-6.0.0.tgz');
    assert.equal(at('npmjs', 'https://other.example.test/a.tgz'), 'https://other.example.test/a.tgz');
    assert.equal(at('always', 'https://other.example.test/a.tgz'), 'https://mirror.example.test/a.tgz');
    assert.equal(at('never'), tarball);
  });

  it("keeps the registry's path and port, as npm does, and replaces a named host or URL prefix only", () => {
    assert.equal(at('npmjs', tarball, 'http://127.0.0.1:4873/api/npm/'), 'http://127.0.0.1:4873/api/npm/@pulumi/aws/-/aws-6.0.0.tgz');
    assert.equal(at('npmjs', 'https://registry.npmjs.org/api/npm/a.tgz', 'https://mirror.example.test/api/npm'), 'https://mirror.example.test/api/npm/a.tgz');
    assert.equal(at('old.example.test', 'https://old.example.test/a.tgz'), 'https://mirror.example.test/a.tgz');
    assert.equal(at('old.example.test'), tarball);
    assert.equal(
      at('https://old.example.test/npm/', 'https://old.example.test/npm/a.tgz', 'https://mirror.example.test/m/'),
      'https://mirror.example.test/m/a.tgz',
    );
    assert.equal(at('https://old.example.test/npm/', 'https://old.example.test/other/a.tgz'), 'https://old.example.test/other/a.tgz');
    assert.equal(at('always', 'not a url'), 'not a url');
  });
});
