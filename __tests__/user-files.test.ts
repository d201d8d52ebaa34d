import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { snapshotUserFiles } from '../src/user-files.js';

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
    const snapshot = await snapshotUserFiles([a, b]);

    fs.writeFileSync(path.join(a, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    fs.writeFileSync(path.join(b, 'package-lock.json'), '{}');
    const restored = await snapshot.restore();

    assert.deepEqual(restored.sort(), [path.join(a, 'package-lock.json'), path.join(b, 'package-lock.json')].sort());
    assert.deepEqual(fs.readFileSync(path.join(a, 'package.json')), manifest);
    assert.equal(fs.readFileSync(path.join(a, 'package-lock.json'), 'utf8'), '{"lockfileVersion":3}');
    assert.equal(fs.existsSync(path.join(b, 'package-lock.json')), false);
    assert.deepEqual(await snapshot.restore(), [], 'nothing left to put back');
  });
});
