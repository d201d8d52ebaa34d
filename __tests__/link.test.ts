import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { registerLinkPath, requireGlobalLinks, verifyLinks } from '../src/package-managers/npm/link.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'link-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

function packageFolder(name: string, manifest: object): string {
  const dir = path.join(temp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

describe('registerLinkPath', () => {
  it("makes the folder the global link, creating a fresh prefix's lib/node_modules, and writes nothing in the folder", async () => {
    const sdk = packageFolder('sdk', { name: 'pulumi', version: '0.10.0' });
    const globalFolder = path.join(temp, 'prefix', 'lib', 'node_modules');
    assert.equal(await registerLinkPath(sdk, ['pulumi'], globalFolder), 'pulumi');
    assert.equal(fs.realpathSync(path.join(globalFolder, 'pulumi')), fs.realpathSync(sdk));
    assert.deepEqual(fs.readdirSync(sdk), ['package.json']);
    await requireGlobalLinks(['pulumi'], globalFolder);
  });

  it('refuses a folder holding another package than the link input names', async () => {
    const other = packageFolder('other', { name: 'not-pulumi' });
    await assert.rejects(registerLinkPath(other, ['pulumi'], path.join(temp, 'prefix2')), {
      name: 'ActionError',
      message:
        'Input "link-path" holds the package "not-pulumi", which input "link" does ' +
        'not list (pulumi): add it to "link", or point "link-path" at the right folder.',
    });
  });

  it('refuses to replace a package installed globally', async () => {
    const sdk = packageFolder('sdk2', { name: 'pulumi' });
    const globalFolder = path.join(temp, 'prefix3', 'lib', 'node_modules');
    packageFolder(path.relative(temp, path.join(globalFolder, 'pulumi')), { name: 'pulumi', version: '3.0.0' });
    await assert.rejects(registerLinkPath(sdk, ['pulumi'], globalFolder), /already holds an installed "pulumi" at .*, not a link: uninstall it/);
  });
});

describe('verifyLinks', () => {
  const program = (name: string) => {
    const dir = path.join(temp, name);
    fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    return dir;
  };

  it('accepts a symlink to the package and reports its target and version', async () => {
    const dir = program('linked');
    const sdk = packageFolder('sdk-ok', { name: 'pulumi', version: '0.10.0' });
    fs.symlinkSync(sdk, path.join(dir, 'node_modules', 'pulumi'));
    assert.deepEqual(await verifyLinks(dir, 'linked', ['pulumi']), [{ name: 'pulumi', target: fs.realpathSync(sdk), version: '0.10.0' }]);
  });

  it('rejects a copy installed from a registry, a missing link, and a link to another package', async () => {
    const copied = program('copied');
    packageFolder(path.relative(temp, path.join(copied, 'node_modules', 'pulumi')), { name: 'pulumi', version: '3.0.0' });
    await assert.rejects(verifyLinks(copied, 'copied', ['pulumi']), {
      message:
        'After npm link, node_modules/pulumi in copied is a folder installed from a registry, not a link. ' +
        'Remove "pulumi" from dependencies/devDependencies (it belongs in peerDependencies) and run again.',
    });
    await assert.rejects(verifyLinks(program('missing'), 'missing', ['pulumi']), /node_modules\/pulumi in missing is missing/);
    const wrong = program('wrong');
    fs.symlinkSync(packageFolder('impostor', { name: 'left-pad' }), path.join(wrong, 'node_modules', 'pulumi'));
    await assert.rejects(verifyLinks(wrong, 'wrong', ['pulumi']), /links to .*impostor, which holds "left-pad", not "pulumi"/);
  });
});
