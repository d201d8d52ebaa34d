import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { node24 } from './support/node24.js';
import { docsProgram, errorsOf, failureOf, runSetup, withSandbox, type Sandbox } from './support/e2e.js';
import { recordScript } from './support/fixtures.js';
import { runPlaces } from './support/runner.js';
import { findSecret } from './support/secret-scan.js';
import { useRegistry, type TestRegistry } from './support/servers.js';

const registry = await useRegistry();

const requireFrom = (dir: string, code: string): string => execFileSync(node24(), ['-e', code], { cwd: dir, encoding: 'utf8', timeout: 30_000 }).trim();

describe('the main job, end to end', () => {
  it('configures the scope, installs, links pulumi, reports, and post removes the config', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const manifestBefore = fs.readFileSync(path.join(sandbox.workspace, 'package.json'));
      const run = await runSetup(registry, sandbox);
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        assert.deepEqual(errorsOf(run.main), []);
        const npmrc = run.main.outputs['npmrc']!;
        assert.ok(npmrc.startsWith(run.runnerTemp + path.sep), `npmrc output ${npmrc} is under RUNNER_TEMP`);
        assert.equal(run.main.exportedEnv['NPM_CONFIG_USERCONFIG'], npmrc);
        assert.equal(fs.existsSync(npmrc), false, 'post removed the config');
        assert.equal(fs.existsSync(path.dirname(npmrc)), false, 'post removed the config folder');
        assert.equal(run.post?.exitCode, 0);

        // pulumi is the link, the scope packages came from the registry at the newest 0.10 version.
        const linked = fs.lstatSync(path.join(sandbox.workspace, 'node_modules/pulumi'));
        assert.ok(linked.isSymbolicLink());
        assert.equal(fs.realpathSync(path.join(sandbox.workspace, 'node_modules/pulumi')), fs.realpathSync(sandbox.pulumiPackage));
        assert.deepEqual(fs.readdirSync(sandbox.pulumiPackage).sort(), ['index.js', 'package.json'], 'the link-path folder is left as it was');
        const loaded = JSON.parse(requireFrom(sandbox.workspace, 'console.log(JSON.stringify(require("./index.js")))'));
        assert.deepEqual(loaded.pulumi, { linked: true, name: 'pulumi', version: '0.10.0' });
        assert.equal(loaded['@pulumi/aws'].version, '0.10.1');
        assert.equal(loaded['@pulumi/cloud'].name, '@pulumi/cloud');

        // The user's package.json is untouched; outputs and the report tell what happened.
        assert.deepEqual(fs.readFileSync(path.join(sandbox.workspace, 'package.json')), manifestBefore);
        const lockfile = JSON.parse(fs.readFileSync(path.join(sandbox.workspace, 'package-lock.json'), 'utf8'));
        assert.ok(lockfile.packages['node_modules/@pulumi/aws'], 'npm install wrote the lockfile');
        assert.equal(lockfile.packages['node_modules/pulumi'], undefined, 'the link is not recorded as a registry package');
        assert.equal(run.main.outputs['violations'], '0');
        assert.equal(run.main.outputs['cache-hit'], 'false');
        const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
        assert.equal(report.registry.username, 'ci');
        assert.equal(report.programs[0].installed, 'ran');
        assert.equal(report.programs[0].links[0].name, 'pulumi');
        assert.match(run.main.summary, /\*\*Succeeded\.\*\*/);
        assert.match(run.main.summary, /`pulumi` linked to/);
      } finally {
        await run.cleanup();
      }
    });
  });

  it("keeps the user's ~/.npmrc byte for byte and carries its settings into the scoped config", async () => {
    await withSandbox(undefined, async (sandbox) => {
      const home = path.join(sandbox.root, 'home');
      fs.mkdirSync(home);
      const userRc = `; the user's own\n@acme:registry=https://npm.acme.example/\n@pulumi:registry=https://stale.example/\n//127.0.0.1:1/:_authToken=\${OTHER}\nsave-exact=true\n`;
      fs.writeFileSync(path.join(home, '.npmrc'), userRc);
      const run = await runSetup(registry, sandbox, { home, inputs: {}, env: {} });
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        assert.equal(fs.readFileSync(path.join(home, '.npmrc'), 'utf8'), userRc);
        const written = run.main.stdout;
        assert.match(written, /keeping the settings of .*\.npmrc/);
        const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
        assert.equal(report.npmrc.mergedFrom, path.join(home, '.npmrc'));
      } finally {
        await run.cleanup();
      }
    });
  });

  it('installs and links every program of a repository with several', async () => {
    await withSandbox({ 'infra/app': docsProgram, 'infra/db': { ...docsProgram, name: 'db', dependencies: { '@pulumi/aws': '^0.10.0' } } }, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { inputs: { 'working-directory': 'infra/app\ninfra/db' } });
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        for (const dir of ['infra/app', 'infra/db']) {
          assert.ok(fs.lstatSync(path.join(sandbox.workspace, dir, 'node_modules/pulumi')).isSymbolicLink(), dir);
          assert.ok(fs.existsSync(path.join(sandbox.workspace, dir, 'node_modules/@pulumi/aws/package.json')), dir);
        }
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'infra/db/node_modules/@pulumi/cloud')), false);
        assert.match(run.main.summary, /### Program `infra\/app`[\s\S]*### Program `infra\/db`/);
      } finally {
        await run.cleanup();
      }
    });
  });

  describe('token failures are one line that says which and what to do', () => {
    const cases: Array<[string, (r: TestRegistry) => { token?: string; inputs?: Record<string, string> }, RegExp]> = [
      ['a wrong token (401)', () => ({ token: 'not-a-real-token-0000' }), /^Token check: the registry http:\/\/127\.0\.0\.1:\d+\/ rejected the token \(401/],
      ['a token without access (403)', (r) => ({ token: r.tokens.outsider }), /^Token check: the token is valid but has no access to @pulumi\/aws .*\(403\)/],
      [
        'a registry that is down',
        () => ({ inputs: { 'registry-url': 'http://127.0.0.1:9/' } }),
        /^Token check: the registry http:\/\/127\.0\.0\.1:9\/ is unreachable \(ECONNREFUSED\)/,
      ],
    ];
    for (const [what, options, message] of cases) {
      it(what, async () => {
        await withSandbox(undefined, async (sandbox) => {
          const given = options(registry);
          const run = await runSetup(registry, sandbox, given);
          try {
            assert.equal(run.main.exitCode, 1);
            assert.match(failureOf(run.main) ?? '', message);
            assert.equal(errorsOf(run.main).length, 1, 'one error line');
            assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false, 'nothing was installed');
            assert.equal(run.post?.exitCode, 0);
            assert.equal(fs.existsSync(path.dirname(run.main.outputs['npmrc']!)), false, 'post removed the config');
          } finally {
            await run.cleanup();
          }
        });
      });
    }

    for (const [given, where] of [
      ['input', 'input "pulumi-access-token"'],
      ['environment', 'the PULUMI_ACCESS_TOKEN variable'],
    ] as const) {
      it(`a token with a line break in the ${given}: malformed, at once, and never printed`, async () => {
        const [head, tail] = [randomBytes(12).toString('hex'), randomBytes(12).toString('hex')];
        const malformed = `pul-${head}\r\n${tail}`;
        await withSandbox(undefined, async (sandbox) => {
          const run = await runSetup(registry, sandbox, {
            token: '',
            inputs: { 'pulumi-access-token': given === 'input' ? malformed : '' },
            env: given === 'environment' ? { PULUMI_ACCESS_TOKEN: malformed } : {},
          });
          try {
            assert.equal(run.main.exitCode, 1);
            assert.match(failureOf(run.main) ?? '', new RegExp(`^The Pulumi access token in ${where} is malformed: it holds a line break`));
            assert.equal(errorsOf(run.main).length, 1, 'one error line');
            assert.doesNotMatch(run.main.log, /Token check|retrying/, 'no request was made');
            for (const part of [head, tail]) assert.deepEqual(await findSecret(part, runPlaces(run, [sandbox.root])), [], 'no part of the token is printed');
          } finally {
            await run.cleanup();
          }
        });
      });
    }

    it('an empty token: says the secret is missing, after the policy check ran', async () => {
      await withSandbox(undefined, async (sandbox) => {
        const run = await runSetup(registry, sandbox, { token: '' });
        try {
          assert.equal(run.main.exitCode, 1);
          const failure = failureOf(run.main) ?? '';
          assert.match(failure, /^The Pulumi access token is missing/);
          assert.match(failure, /Pull requests from forks do not receive secrets/);
          assert.match(failure, /"install: false"/);
          assert.match(run.main.stdout, /Policy: 0 errors/);
          assert.equal(run.main.outputs['violations'], '0');
          assert.equal(run.main.outputs['npmrc'], undefined);
        } finally {
          await run.cleanup();
        }
      });
    });
  });

  it('install: false checks the policy with no token and configures nothing', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { token: '', inputs: { install: 'false' } });
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        assert.equal(run.main.outputs['violations'], '0');
        assert.equal(run.main.outputs['npmrc'], undefined);
        assert.equal(run.main.exportedEnv['NPM_CONFIG_USERCONFIG'], undefined);
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false);
        assert.match(run.main.summary, /off \(policy check only\)/);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('fails on each rule of the policy cut with an annotation on the entry, before installing', async () => {
    const manifest = [
      '{',
      '  "name": "old-program",',
      '  "dependencies": {',
      '    "@pulumi/aws": "^0.9.0"',
      '  },',
      '  "devDependencies": {',
      '    "@pulumi/cloud": "^0.10.0"',
      '  }',
      '}',
      '',
    ].join('\n');
    await withSandbox({ '.': manifest }, async (sandbox) => {
      const run = await runSetup(registry, sandbox);
      try {
        assert.equal(run.main.exitCode, 1);
        const annotations = errorsOf(run.main)
          .filter((command) => command.properties['file'] === 'package.json')
          .map((command) => [command.properties['title'], command.properties['line'], command.properties['col']]);
        assert.deepEqual(
          annotations.sort(),
          [
            ['linked-peer', '1', '1'],
            ['minimum-version', '4', '20'],
            ['scoped-in-dependencies', '7', '5'],
          ].sort(),
        );
        assert.match(failureOf(run.main) ?? '', /^3 dependency policy violations: see the annotations/);
        assert.equal(run.main.outputs['violations'], '3');
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false, 'nothing was installed');
        const report = JSON.parse(fs.readFileSync(run.main.outputs['report']!, 'utf8'));
        assert.deepEqual(report.findings.map((f: { rule: string; file: string }) => [f.rule, f.file]).sort(), [
          ['linked-peer', 'package.json'],
          ['minimum-version', 'package.json'],
          ['scoped-in-dependencies', 'package.json'],
        ]);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('policy: warn reports the same findings as warnings and installs', async () => {
    await withSandbox({ '.': { ...docsProgram, dependencies: { '@pulumi/aws': '>=0.8.0' } } }, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { inputs: { policy: 'warn' } });
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        assert.ok(run.main.commands.some((c) => c.command === 'warning' && c.properties['title'] === 'minimum-version'));
        assert.equal(run.main.outputs['violations'], '0');
        assert.ok(fs.existsSync(path.join(sandbox.workspace, 'node_modules/@pulumi/aws')));
      } finally {
        await run.cleanup();
      }
    });
  });

  it('a working-directory that does not exist is an error naming the input', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { inputs: { 'working-directory': 'programs/missing' } });
      try {
        assert.equal(run.main.exitCode, 1);
        assert.match(failureOf(run.main) ?? '', /^Input "working-directory" lists "programs\/missing", which does not exist/);
        assert.doesNotMatch(run.main.stdout + run.main.stderr, /\n\s+at /, 'no stack trace');
      } finally {
        await run.cleanup();
      }
    });
  });

  it('a folder without package.json is an error naming the folder', async () => {
    await withSandbox(undefined, async (sandbox) => {
      fs.mkdirSync(path.join(sandbox.workspace, 'docs'));
      const run = await runSetup(registry, sandbox, { inputs: { 'working-directory': 'docs' } });
      try {
        assert.equal(run.main.exitCode, 1);
        assert.match(failureOf(run.main) ?? '', /No package\.json in .*docs/);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('without link-path and no global link, fails before npm could fetch an unrelated pulumi', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const run = await runSetup(registry, sandbox, { inputs: { 'link-path': '' } });
      try {
        assert.equal(run.main.exitCode, 1);
        assert.match(failureOf(run.main) ?? '', /^Input "link" lists "pulumi", but no package "pulumi" is linked in npm's global folder .*Set "link-path"/);
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false);
      } finally {
        await run.cleanup();
      }
    });
  });

  it('uses a pulumi already linked in the global prefix when link-path is empty', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const globalLib = path.join(sandbox.npmPrefix, 'lib', 'node_modules');
      fs.mkdirSync(globalLib, { recursive: true });
      fs.symlinkSync(sandbox.pulumiPackage, path.join(globalLib, 'pulumi'));
      const run = await runSetup(registry, sandbox, { inputs: { 'link-path': '' } });
      try {
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        assert.equal(fs.realpathSync(path.join(sandbox.workspace, 'node_modules/pulumi')), fs.realpathSync(sandbox.pulumiPackage));
      } finally {
        await run.cleanup();
      }
    });
  });

  describe('install scripts never see the token', () => {
    const program = {
      ...docsProgram,
      dependencies: { ...docsProgram.dependencies, 'fixture-native': '^1.0.0' },
      scripts: { postinstall: 'node record-postinstall.js', prepare: 'node record-prepare.js' },
    };
    const seen = (sandbox: Sandbox) => ({
      dependency: JSON.parse(fs.readFileSync(path.join(sandbox.workspace, 'node_modules/fixture-native/install-ran.json'), 'utf8')),
      program: JSON.parse(fs.readFileSync(path.join(sandbox.workspace, 'postinstall.json'), 'utf8')),
      prepare: JSON.parse(fs.readFileSync(path.join(sandbox.workspace, 'prepare.json'), 'utf8')),
      // Each script appends a line: npm install runs each once, and so must the action.
      runs: fs.readFileSync(path.join(sandbox.workspace, 'runs.log'), 'utf8').trim().split('\n').sort(),
    });
    const writeRecorders = (sandbox: Sandbox) => {
      for (const script of ['postinstall', 'prepare']) {
        fs.writeFileSync(
          path.join(sandbox.workspace, `record-${script}.js`),
          `${recordScript(`${script}.json`)}require('fs').appendFileSync('runs.log', '${script}\\n');\n`,
        );
      }
    };

    it("runs the dependency's and the program's scripts during the install, once each, none of them seeing the token", async () => {
      await withSandbox({ '.': program }, async (sandbox) => {
        writeRecorders(sandbox);
        const run = await runSetup(registry, sandbox);
        try {
          assert.equal(run.main.exitCode, 0, run.main.log);
          assert.deepEqual(seen(sandbox), {
            dependency: { tokenVisible: false },
            program: { tokenVisible: false },
            prepare: { tokenVisible: false },
            runs: ['postinstall', 'prepare'],
          });
          assert.doesNotMatch(run.main.log, /\[command\]\S*npm (rebuild|run)/, 'no second pass');
        } finally {
          await run.cleanup();
        }
      });
    });

    it("ignore-scripts: true runs no install script at all, the program's own included", async () => {
      await withSandbox({ '.': program }, async (sandbox) => {
        writeRecorders(sandbox);
        const run = await runSetup(registry, sandbox, { inputs: { 'ignore-scripts': 'true' } });
        try {
          assert.equal(run.main.exitCode, 0, run.main.log);
          for (const file of ['node_modules/fixture-native/install-ran.json', 'postinstall.json', 'prepare.json', 'runs.log']) {
            assert.equal(fs.existsSync(path.join(sandbox.workspace, file)), false, `${file} was not written`);
          }
          assert.match(run.main.log, /Input "ignore-scripts" is true: the package manager runs no install scripts/);
        } finally {
          await run.cleanup();
        }
      });
    });
  });
});
