import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { restoreUserFiles, snapshotUserFiles } from '../src/action/user-files.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'user-files-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('snapshotUserFiles', () => {
  it('puts changed files back byte for byte, removes the ones the run created, and leaves the rest', async () => {
    const a = path.join(temp, 'a');
    const b = path.join(temp, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const manifest = Buffer.from('\uFEFF{\r\n  "name": "a"\r\n}\r\n');
    fs.writeFileSync(path.join(a, 'package.json'), manifest);
    fs.writeFileSync(path.join(a, 'package-lock.json'), '{"lockfileVersion":3}');
    fs.writeFileSync(path.join(b, 'package.json'), '{"name":"b"}');
    const snapshot = await snapshotUserFiles([a, b], temp, temp);
    assert.ok(snapshot.folder.startsWith(path.join(temp, 'setup-pulumi-npm-snapshot-')));

    fs.writeFileSync(path.join(a, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    fs.writeFileSync(path.join(b, 'package-lock.json'), '{}');
    const restored = await snapshot.restore();

    assert.deepEqual(restored.sort(), [path.join(a, 'package-lock.json'), path.join(b, 'package-lock.json')].sort());
    assert.deepEqual(fs.readFileSync(path.join(a, 'package.json')), manifest);
    assert.equal(fs.readFileSync(path.join(a, 'package-lock.json'), 'utf8'), '{"lockfileVersion":3}');
    assert.equal(fs.existsSync(path.join(b, 'package-lock.json')), false);
    assert.deepEqual(await snapshot.restore(), [], 'nothing left to put back');
  });

  it("reads the copies from disk, and writes only npm's own files inside the workspace whatever the index says", async () => {
    const workspace = path.join(temp, 'workspace');
    const outside = path.join(temp, 'outside');
    fs.mkdirSync(workspace);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(workspace, 'package-lock.json'), 'committed');
    const snapshot = await snapshotUserFiles([workspace], workspace, temp);
    fs.writeFileSync(path.join(workspace, 'package-lock.json'), 'rewritten');
    // An install script could edit the index: it must not make the restore write anywhere else.
    const index = path.join(snapshot.folder, 'index.json');
    const entries = JSON.parse(fs.readFileSync(index, 'utf8')) as { file: string; copy: string | null }[];
    const lockfileCopy = entries.find((entry) => entry.file.endsWith('package-lock.json'))!.copy;
    entries.push({ file: path.join(outside, 'package-lock.json'), copy: lockfileCopy }, { file: path.join(workspace, '.bashrc'), copy: lockfileCopy });
    fs.writeFileSync(index, JSON.stringify(entries));

    assert.deepEqual(await restoreUserFiles(snapshot.folder, workspace), [path.join(workspace, 'package-lock.json')]);
    assert.equal(fs.readFileSync(path.join(workspace, 'package-lock.json'), 'utf8'), 'committed');
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.equal(fs.existsSync(path.join(workspace, '.bashrc')), false);
  });
});
