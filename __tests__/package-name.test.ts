import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPackageName, isScope } from '../src/util/package-name.js';

describe("package names and scopes, by npm's rule", () => {
  it('accepts plain and scoped names', () => {
    for (const name of ['pulumi', '@pulumi/aws', '@pulumi/cloud-aws', 'fixture.utils', 'a_b']) assert.ok(isPackageName(name), name);
  });
  it('rejects upper case, spaces, globs and paths', () => {
    for (const name of ['Pulumi', 'pu lumi', 'pulumi*', '@pulumi/*', '../x', '', '@pulumi', '.hidden']) assert.equal(isPackageName(name), false, name);
  });
  it('accepts a scope only with its @ and without a name', () => {
    assert.ok(isScope('@pulumi'));
    for (const scope of ['pulumi', '@Pulumi', '@pulumi corp', '@pulumi/aws', '@']) assert.equal(isScope(scope), false, scope);
  });
});
