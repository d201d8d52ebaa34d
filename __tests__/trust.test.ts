import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readEventPayload, untrustedRun, untrustedRunMessage } from '../src/token/trust.js';

// Payloads shaped like GitHub's webhook payloads (trimmed to the fields around the ones read).
const repository = (fullName: string, fork = false) => {
  const [owner, name] = fullName.split('/');
  return { id: 1296269, name, full_name: fullName, private: false, fork, owner: { login: owner, type: 'User' }, default_branch: 'main' };
};

function pullRequestTarget(head: ReturnType<typeof repository> | null, base = repository('acme/infra')) {
  return {
    action: 'opened',
    number: 42,
    pull_request: {
      number: 42,
      state: 'open',
      head: { label: 'octocat:patch-1', ref: 'patch-1', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', repo: head },
      base: { label: 'acme:main', ref: 'main', sha: '9049f1265b7d61be4a8904a9a27120d2064dab3b', repo: base },
    },
    repository: base,
    sender: { login: 'octocat', type: 'User' },
  };
}

function workflowRun(head: ReturnType<typeof repository> | null, base = repository('acme/infra')) {
  return {
    action: 'completed',
    workflow_run: {
      id: 30433642,
      name: 'Build',
      event: 'pull_request',
      status: 'completed',
      conclusion: 'success',
      head_branch: 'patch-1',
      head_sha: 'acb5820ced9479c074f688cc328bf03f341a511d',
      head_repository: head,
      repository: base,
    },
    repository: base,
    sender: { login: 'octocat', type: 'User' },
  };
}

describe('untrustedRun', () => {
  it('flags pull_request_target from a fork', () => {
    assert.deepEqual(untrustedRun('pull_request_target', pullRequestTarget(repository('octocat/infra', true))), {
      event: 'pull_request_target',
      head: 'octocat/infra',
      base: 'acme/infra',
    });
  });

  it('flags pull_request_target whose fork was deleted (head repo null)', () => {
    assert.deepEqual(untrustedRun('pull_request_target', pullRequestTarget(null)), {
      event: 'pull_request_target',
      head: 'a deleted fork',
      base: 'acme/infra',
    });
  });

  it('trusts pull_request_target from a branch of the same repository, whatever the case of the names', () => {
    assert.equal(untrustedRun('pull_request_target', pullRequestTarget(repository('acme/infra'))), undefined);
    assert.equal(untrustedRun('pull_request_target', pullRequestTarget(repository('Acme/Infra'))), undefined);
  });

  it('flags workflow_run whose head repository is a fork', () => {
    assert.deepEqual(untrustedRun('workflow_run', workflowRun(repository('octocat/infra', true))), {
      event: 'workflow_run',
      head: 'octocat/infra',
      base: 'acme/infra',
    });
  });

  it('flags workflow_run whose head repository is gone', () => {
    assert.deepEqual(untrustedRun('workflow_run', workflowRun(null)), { event: 'workflow_run', head: 'a deleted fork', base: 'acme/infra' });
  });

  it('trusts workflow_run from the same repository', () => {
    assert.equal(untrustedRun('workflow_run', workflowRun(repository('acme/infra'))), undefined);
  });

  it('counts pull_request_target or workflow_run without a readable payload as untrusted', () => {
    assert.deepEqual(untrustedRun('pull_request_target', undefined), {
      event: 'pull_request_target',
      head: 'a repository the event does not name',
      base: 'this repository',
    });
    assert.deepEqual(untrustedRun('workflow_run', { repository: repository('acme/infra') }), {
      event: 'workflow_run',
      head: 'a repository the event does not name',
      base: 'acme/infra',
    });
  });

  it('trusts every other event, a pull_request from a fork included (it gets no secrets)', () => {
    const forkPullRequest = pullRequestTarget(repository('octocat/infra', true));
    for (const event of ['pull_request', 'push', 'workflow_dispatch', 'schedule', undefined]) {
      assert.equal(untrustedRun(event, forkPullRequest), undefined, String(event));
    }
  });
});

describe('readEventPayload', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'trust-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads the event file as JSON', async () => {
    const file = path.join(dir, 'event.json');
    const payload = pullRequestTarget(repository('octocat/infra', true));
    await writeFile(file, JSON.stringify(payload));
    assert.deepEqual(await readEventPayload(file), payload);
  });

  it('gives undefined, without throwing, when the path is unset, missing or not JSON', async () => {
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"action": ');
    assert.equal(await readEventPayload(undefined), undefined);
    assert.equal(await readEventPayload(''), undefined);
    assert.equal(await readEventPayload(path.join(dir, 'absent.json')), undefined);
    assert.equal(await readEventPayload(broken), undefined);
  });
});

describe('untrustedRunMessage', () => {
  it('names the event, both repositories, the risk and the opt-in, in one line', () => {
    const message = untrustedRunMessage({ event: 'pull_request_target', head: 'octocat/infra', base: 'acme/infra' });
    assert.equal(
      message,
      'This pull_request_target run builds code from octocat/infra with the secrets of acme/infra, so the action does not hand it the Pulumi access token: ' +
        "that code's package.json, lockfile, .npmrc or install scripts could send the token anywhere. " +
        'The dependency policy check still ran; set "allow-untrusted: true" to install with the token anyway, only if you trust that code.',
    );
    assert.ok(!message.includes('\n'));
  });
});
