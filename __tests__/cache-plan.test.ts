import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reasonNotToSave } from '../src/cache/plan.js';

describe('reasonNotToSave', () => {
  it('saves a missed key on a trusted run with cache: true', () => {
    assert.equal(reasonNotToSave('true', false, 'push', false), undefined);
    assert.equal(reasonNotToSave('true', false, 'pull_request', false), undefined);
  });

  it("never saves with cache: restore, on an exact hit, on pull_request_target, or for a fork's code", () => {
    assert.equal(reasonNotToSave('restore', false, 'push', false), 'cache is "restore": restore only');
    assert.equal(reasonNotToSave('true', true, 'push', false), 'the exact key was restored');
    assert.equal(reasonNotToSave('true', false, 'pull_request_target', false), 'pull_request_target runs never save');
    assert.equal(reasonNotToSave('true', false, 'workflow_run', true), "runs that build a fork's code never save");
  });
});
