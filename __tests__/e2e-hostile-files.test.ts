import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { errorsOf, failureOf, positionOf, runPolicyCheck, runSetup, warningsOf, withSandbox } from './support/e2e.js';
import type { ActionRun, StepResult } from './support/runner.js';
import { useCacheServer, useRegistry } from './support/servers.js';

// The file system and hostile files (issue 9, items 8-16): each case runs the bundle on Node 24 as the runner does,
// against the real registry and cache service where an install is involved.

const [registry, cacheServer] = await Promise.all([useRegistry(), useCacheServer()]);

const noticesOf = (step: StepResult) => step.commands.filter((command) => command.command === 'notice');
const pulumiProgram = (dependencies: Record<string, string>) => ({ name: 'infra', version: '1.0.0', dependencies, peerDependencies: { pulumi: 'latest' } });

/** Runs, checks, and removes the run's temp area whatever the checks found. */
async function checked(run: ActionRun, check: (run: ActionRun) => Promise<void> | void): Promise<void> {
  try {
    assert.doesNotMatch(run.main.stdout + run.main.stderr, /Unexpected error|\n\s+at .+:\d+:\d+/, 'no unexpected error, no stack trace');
    await check(run);
  } finally {
    await run.cleanup();
  }
}

/** Every file under `dir`, relative, sorted: what a run wrote there. */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).sort() : [];
}

describe('the file system and hostile files, end to end', () => {
  describe('8: a working-directory is judged by its real path', () => {
    it('refuses a symbolic link out of the workspace before anything is written there', () =>
      withSandbox(undefined, async (sandbox) => {
        const outside = path.join(sandbox.root, 'outside');
        fs.mkdirSync(outside);
        fs.writeFileSync(path.join(outside, 'package.json'), JSON.stringify(pulumiProgram({ '@pulumi/aws': '^0.10.0' })));
        fs.symlinkSync(outside, path.join(sandbox.workspace, 'infra'));
        const run = await runSetup(registry, sandbox, { inputs: { 'working-directory': 'infra', cache: 'true' }, env: cacheServer.env('v2') });
        await checked(run, () => {
          assert.equal(run.main.exitCode, 1);
          assert.equal(
            failureOf(run.main),
            `Input "working-directory" lists "infra", which goes through a symbolic link to ${outside}, outside the workspace ${sandbox.workspace}: ` +
              'give the folder inside the repository, not a link out of it.',
          );
          assert.deepEqual(filesUnder(outside), ['package.json'], 'no node_modules, no lockfile outside the workspace');
        });
      }));

    it('accepts a folder reached through a link out of the workspace and back in', () =>
      withSandbox(undefined, async (sandbox) => {
        fs.symlinkSync(sandbox.root, path.join(sandbox.workspace, 'up'));
        const run = await runPolicyCheck(sandbox, { 'working-directory': 'up/repo' });
        await checked(run, () => assert.equal(run.main.exitCode, 0, run.main.log));
      }));
  });

  describe('9: a node_modules that is a symbolic link', () => {
    for (const [what, target] of [
      ['to a folder out of the workspace', 'elsewhere'],
      ['that dangles', 'missing'],
    ] as const) {
      it(`${what}: no restore, no save through it, one warning`, () =>
        withSandbox(undefined, async (sandbox) => {
          // A cache entry for this very lockfile, so that a restore would happen.
          for (const cache of ['false', 'true']) {
            const saving = await runSetup(registry, sandbox, { inputs: { cache }, env: cacheServer.env('v2') });
            await checked(saving, () => assert.equal(saving.main.exitCode, 0, saving.main.log));
            fs.rmSync(path.join(sandbox.workspace, 'node_modules'), { recursive: true });
          }
          const elsewhere = path.join(sandbox.root, target);
          if (target === 'elsewhere') fs.mkdirSync(elsewhere);
          fs.symlinkSync(elsewhere, path.join(sandbox.workspace, 'node_modules'));
          const run = await runSetup(registry, sandbox, { inputs: { cache: 'true' }, env: cacheServer.env('v2') });
          await checked(run, () => {
            assert.equal(run.main.exitCode, 0, run.main.log);
            assert.deepEqual(
              warningsOf(run.main).map((warning) => warning.message),
              [
                `node_modules is a symbolic link (to ${elsewhere}): the node_modules cache is off for this run, because a restore would ` +
                  'write through the link. Remove the link.',
              ],
            );
            assert.equal(run.main.outputs['cache-hit'], 'false');
            assert.doesNotMatch(run.main.log, /Restored node_modules|Saved node_modules/);
            // npm itself replaces the link with a folder: nothing went through it.
            assert.deepEqual(filesUnder(elsewhere), []);
            assert.ok(fs.lstatSync(path.join(sandbox.workspace, 'node_modules')).isDirectory());
          });
        }));
    }
  });

  describe('10: workspaces stay inside the program, and the search is bounded', () => {
    it('does not read patterns that leave the program, and says so on the "workspaces" line', () =>
      withSandbox(
        { '.': { name: 'root', private: true, workspaces: ['/**', '../*', 'packages/*'], peerDependencies: { pulumi: 'latest' } } },
        async (sandbox) => {
          fs.mkdirSync(path.join(sandbox.workspace, 'packages'));
          const outside = path.join(sandbox.root, 'outside-package');
          fs.mkdirSync(outside);
          fs.writeFileSync(path.join(outside, 'package.json'), '{ "name": "outside", "dependencies": { "@pulumi/aws": "*" } }');
          fs.symlinkSync(outside, path.join(sandbox.workspace, 'packages', 'linked'));
          const started = performance.now();
          const run = await runPolicyCheck(sandbox);
          await checked(run, async () => {
            assert.ok(performance.now() - started < 60_000, 'the search ends in well under a minute');
            assert.equal(run.main.exitCode, 0, run.main.log);
            const notices = noticesOf(run.main).filter((notice) => /workspaces/.test(notice.message));
            assert.deepEqual(
              notices.map((notice) => ({ message: notice.message, file: notice.properties['file'], line: notice.properties['line'] })),
              [
                {
                  message: 'The workspaces "/**", "../*" leave the program\'s folder: they were not read.',
                  file: 'package.json',
                  line: (await positionOf(path.join(sandbox.workspace, 'package.json'), '"workspaces"')).line,
                },
              ],
            );
            // The package behind the link out of the workspace was not checked: its "*" would be a finding.
            assert.doesNotMatch(run.main.log, /outside/);
          });
        },
      ));
  });

  describe("11: a killed run leaves the user's files as they were", () => {
    it('post puts back package.json and the lockfile after main was killed mid-install', () =>
      withSandbox(undefined, async (sandbox) => {
        const first = await runSetup(registry, sandbox);
        await checked(first, () => assert.equal(first.main.exitCode, 0, first.main.log));
        fs.rmSync(path.join(sandbox.workspace, 'node_modules'), { recursive: true });
        // The committed lockfile in another layout: any install rewrites it.
        const lockfile = path.join(sandbox.workspace, 'package-lock.json');
        fs.writeFileSync(lockfile, `${JSON.stringify(JSON.parse(fs.readFileSync(lockfile, 'utf8')), null, 4)}\n`);
        const committed = new Map(['package.json', 'package-lock.json'].map((name) => [name, fs.readFileSync(path.join(sandbox.workspace, name))]));

        const run = await runSetup(registry, sandbox, {
          inputs: { 'install-command': 'sh -c "npm install && echo LOCKFILE-REWRITTEN-$((6*7)) && sleep 60"' },
          // The command line is echoed first: only the shell's output has the product.
          killMainAfter: 'LOCKFILE-REWRITTEN-42',
        });
        try {
          assert.equal(run.main.exitCode, null, 'main was killed');
          assert.ok(run.post, 'post ran');
          assert.equal(run.post.exitCode, 0, run.post.log);
          assert.match(run.post.log, /The main step did not finish: put back package-lock\.json as it found them\./);
          for (const [name, content] of committed) assert.deepEqual(fs.readFileSync(path.join(sandbox.workspace, name)), content, `${name} byte for byte`);
          assert.deepEqual(
            fs.readdirSync(run.runnerTemp).filter((name) => name.startsWith('setup-pulumi-npm-snapshot-')),
            [],
            'post removed the snapshot',
          );
        } finally {
          await run.cleanup();
        }
      }));

    it('a run that succeeds keeps the lockfile npm wrote', () =>
      withSandbox(undefined, async (sandbox) => {
        const run = await runSetup(registry, sandbox);
        await checked(run, () => {
          assert.equal(run.main.exitCode, 0, run.main.log);
          assert.ok(fs.existsSync(path.join(sandbox.workspace, 'package-lock.json')));
          assert.doesNotMatch(run.post?.log ?? '', /put back/);
        });
      }));
  });

  describe('12: the .gitignore walk stays in the workspace', () => {
    it('a .gitignore above a checkout without .git does not hide the sources', () =>
      withSandbox({ '.': pulumiProgram({ '@pulumi/aws': '^0.10.0' }) }, async (sandbox) => {
        // The checkout sits in another repository, whose .gitignore ignores it whole.
        fs.mkdirSync(path.join(sandbox.root, '.git'));
        fs.writeFileSync(path.join(sandbox.root, '.gitignore'), 'repo/\n');
        fs.writeFileSync(path.join(sandbox.workspace, 'index.js'), 'require("@pulumi/aws");\nrequire("@pulumi/gcp");\n');
        const run = await runPolicyCheck(sandbox);
        await checked(run, async () => {
          assert.equal(run.main.exitCode, 1, run.main.log);
          const undeclared = errorsOf(run.main).filter((error) => error.properties['title'] === 'undeclared-dependency');
          assert.deepEqual(
            undeclared.map((error) => [error.properties['file'], error.properties['line']]),
            [['index.js', '2']],
          );
        });
      }));

    it('a program with no source to scan gets a notice that the source rules did not run', () =>
      withSandbox({ '.': pulumiProgram({ '@pulumi/aws': '^0.10.0' }) }, async (sandbox) => {
        fs.rmSync(path.join(sandbox.workspace, 'index.js'));
        const run = await runPolicyCheck(sandbox);
        await checked(run, () => {
          assert.equal(run.main.exitCode, 0, run.main.log);
          assert.deepEqual(
            noticesOf(run.main).map((notice) => [notice.properties['file'], notice.message]),
            [
              [
                'package.json',
                'No source file to scan beside this package.json: the rules that read the sources (strict-dependencies, ' +
                  'undeclared-dependency, import-case) did not run. Check "ignore.paths" in the policy file and the .gitignore files above the program.',
              ],
            ],
          );
        });
      }));
  });

  describe('13: a byte order mark hides no import', () => {
    const extensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
    const packages = extensions.map((extension) => `@pulumi/bom-${extension.slice(1)}`);
    it(`in every source extension (${extensions.join(' ')})`, () =>
      withSandbox({ '.': pulumiProgram(Object.fromEntries(packages.map((name) => [name, '^0.10.0']))) }, async (sandbox) => {
        fs.rmSync(path.join(sandbox.workspace, 'index.js'));
        extensions.forEach((extension, index) => {
          const load = extension.endsWith('x') ? `\nexport const view = <div>{x}</div>;\n` : '\n';
          fs.writeFileSync(path.join(sandbox.workspace, `file${extension}`), `\uFEFFimport x from "${packages[index]}";\nimport "pulumi";${load}`);
        });
        const run = await runPolicyCheck(sandbox);
        await checked(run, () => {
          assert.equal(run.main.exitCode, 0, run.main.log);
          assert.deepEqual([...errorsOf(run.main), ...warningsOf(run.main)], []);
        });
      }));
  });

  describe('14: a large generated source is left out, and memory stays bounded', () => {
    it('a 20 MB bundle: a notice naming it, and a peak RSS under 300 MB', () =>
      withSandbox(undefined, async (sandbox) => {
        const bundle = path.join(sandbox.workspace, 'dist-bundle.js');
        const chunk = 'var a = require("./x"); function f(b) { return b + 1; } // generated\n';
        fs.writeFileSync(bundle, chunk.repeat(Math.ceil((20 * 1024 * 1024) / chunk.length)));
        // A preload that records the action's own peak memory when it exits.
        const rssFile = path.join(sandbox.root, 'max-rss');
        const preload = path.join(sandbox.root, 'record-rss.mjs');
        fs.writeFileSync(
          preload,
          `import { writeFileSync } from 'node:fs';\n` +
            `process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
        );
        const run = await runSetup(registry, sandbox, { inputs: { install: 'false' }, env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` } });
        await checked(run, () => {
          assert.equal(run.main.exitCode, 0, run.main.log);
          const notices = noticesOf(run.main).map((notice) => notice.message);
          assert.deepEqual(notices, [
            'Left out of the source scan 1 file larger than 1 MiB (generated code, most likely), so what it loads is not checked: dist-bundle.js. ' +
              'Add it to "ignore.paths" in the policy file to silence this.',
          ]);
          const maxRssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
          process.stdout.write(`# peak RSS of a policy check with a 20 MB generated source: ${maxRssMb.toFixed(0)} MB\n`);
          assert.ok(maxRssMb > 0 && maxRssMb < 300, `peak RSS ${maxRssMb} MB`);
        });
      }));
  });

  describe('15: hostile files end in one clear line, never "Unexpected error"', () => {
    it('a policy file with a YAML alias bomb: an annotation on the policy file', () =>
      withSandbox(undefined, async (sandbox) => {
        const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
        for (let level = 1; level < 9; level++)
          levels.push(
            `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9)
              .fill(`*${String.fromCharCode(96 + level)}`)
              .join(',')}]`,
          );
        fs.writeFileSync(path.join(sandbox.workspace, '.pulumi-npm.yml'), `${levels.join('\n')}\n`);
        const run = await runPolicyCheck(sandbox, { 'policy-file': '.pulumi-npm.yml' });
        await checked(run, () => {
          assert.equal(run.main.exitCode, 1, run.main.log);
          const policyErrors = errorsOf(run.main).filter((error) => error.properties['title'] === 'policy-file');
          assert.deepEqual(
            policyErrors.map((error) => [error.properties['file'], error.properties['line'], error.message]),
            [['.pulumi-npm.yml', '1', 'The policy file cannot be read (more than 100 alias expansions); write the values out.']],
          );
        });
      }));

    it('a .gitignore line of 40,000 characters: a notice on that line, and the scan goes on', () =>
      withSandbox(undefined, async (sandbox) => {
        fs.writeFileSync(path.join(sandbox.workspace, '.gitignore'), `node_modules/\n${'a'.repeat(40_000)}\n`);
        const run = await runPolicyCheck(sandbox);
        await checked(run, () => {
          assert.equal(run.main.exitCode, 0, run.main.log);
          assert.deepEqual(
            noticesOf(run.main).map((notice) => [notice.properties['file'], notice.properties['line'], notice.message]),
            [['.gitignore', '2', 'Line 2 of this .gitignore (40000 characters) is not a pattern the source scan can use: it was left out.']],
          );
        });
      }));
  });

  describe('also: files nested tens of thousands of levels deep', () => {
    const deep = (open: string, close: string, depth = 100_000) => `${open.repeat(depth)}${close.repeat(depth)}`;
    it('a package.json: one annotation on it', () =>
      withSandbox({ '.': `{ "name": "infra", "x": ${deep('[', ']')} }` }, async (sandbox) => {
        const run = await runPolicyCheck(sandbox);
        await checked(run, () => {
          assert.equal(run.main.exitCode, 1, run.main.log);
          assert.deepEqual(
            errorsOf(run.main)
              .filter((error) => error.properties['file'])
              .map((error) => [error.properties['title'], error.properties['file'], error.message]),
            [['package-json', 'package.json', 'package.json is nested thousands of levels deep: no package.json is; fix the file.']],
          );
        });
      }));

    it('a lockfile: the check reads it as data, and places its findings without a syntax tree', () =>
      withSandbox(undefined, async (sandbox) => {
        fs.writeFileSync(
          path.join(sandbox.workspace, 'package-lock.json'),
          `{ "lockfileVersion": 3, "x": ${deep('{"a":', '}').replace(/\{"a":\}/, '{"a":1}')} }`,
        );
        const run = await runPolicyCheck(sandbox);
        await checked(run, () => {
          assert.equal(run.main.exitCode, 1, run.main.log);
          assert.ok(
            errorsOf(run.main).some((error) => error.properties['file'] === 'package-lock.json'),
            run.main.log,
          );
        });
      }));

    it('a policy file: its first errors, on their lines', () =>
      withSandbox(undefined, async (sandbox) => {
        fs.writeFileSync(path.join(sandbox.workspace, '.pulumi-npm.yml'), deep('[', ''));
        const run = await runPolicyCheck(sandbox, { 'policy-file': '.pulumi-npm.yml' });
        await checked(run, () => {
          assert.equal(run.main.exitCode, 1, run.main.log);
          const policyErrors = errorsOf(run.main).filter((error) => error.properties['title'] === 'policy-file');
          assert.ok(policyErrors.length >= 1 && policyErrors.length <= 10, `${policyErrors.length} policy-file errors`);
          assert.ok(
            policyErrors.every((error) => error.properties['file'] === '.pulumi-npm.yml' && /^The policy file is not valid YAML: /.test(error.message)),
          );
        });
      }));
  });

  describe('16: a linked package is never fetched', () => {
    const workspacesRoot = {
      '.': { name: 'root', private: true, workspaces: ['stacks/*'] },
      'stacks/app': pulumiProgram({ '@pulumi/aws': '^0.10.0' }),
    };
    it('in a workspaces root, on a miss and on a cache hit (the registry has no "pulumi": a fetch would fail)', () =>
      withSandbox(workspacesRoot, async (sandbox) => {
        fs.rmSync(path.join(sandbox.workspace, 'index.js'));
        // Without the cache (this run writes the lockfile), a miss that saves, and a hit on a fresh checkout.
        for (const [cache, hit] of [
          ['false', 'false'],
          ['true', 'false'],
          ['true', 'true'],
        ]) {
          fs.rmSync(path.join(sandbox.workspace, 'node_modules'), { recursive: true, force: true });
          const run = await runSetup(registry, sandbox, { inputs: { cache: cache! }, env: cacheServer.env('v2') });
          await checked(run, () => {
            assert.equal(run.main.exitCode, 0, run.main.log);
            assert.equal(run.main.outputs['cache-hit'], hit);
            assert.ok(fs.lstatSync(path.join(sandbox.workspace, 'node_modules', 'pulumi')).isSymbolicLink(), 'pulumi is the link');
            assert.equal(fs.realpathSync(path.join(sandbox.workspace, 'node_modules', 'pulumi')), fs.realpathSync(sandbox.pulumiPackage));
          });
        }
      }));
  });
});
