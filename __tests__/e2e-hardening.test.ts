import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { docsProgram, errorsOf, failureOf, makeSandbox, positionOf, runSetup, warningsOf, type Sandbox, type SetupRunOptions } from './support/e2e.js';
import type { ActionRun } from './support/runner.js';
import { useCacheServer, useHttpServer, useRegistry } from './support/servers.js';

// The table of bad inputs, files, environments and faults: each case asserts the exact line the user reads and that
// the user's files are byte for byte as they were.

const [registry, cacheServer] = await Promise.all([useRegistry(), useCacheServer()]);
/** The lockfile a repository of the docs' program commits, made by one real install. */
let committedLockfile: string;
before(async () => {
  const template = await makeSandbox();
  try {
    const run = await runSetup(registry, template);
    assert.equal(run.main.exitCode, 0, run.main.log);
    await run.cleanup();
    committedLockfile = fs.readFileSync(path.join(template.workspace, 'package-lock.json'), 'utf8');
  } finally {
    await template.cleanup();
  }
});
const USER_NPMRC = "; the user's own settings\nsave-exact=true\n@acme:registry=https://npm.acme.example/\n";
const PROJECT_NPMRC = 'engine-strict=true\n';

interface Case {
  sandbox: Sandbox;
  home: string;
  run: ActionRun;
}

interface CaseOptions extends SetupRunOptions {
  programs?: Record<string, unknown>;
  /** Shapes the checkout before the run; what it returns is added to the step's environment. */
  prepare?: (sandbox: Sandbox) => Record<string, string | undefined> | void;
}

/**
 * A checkout with the user's files (package.json, the committed lockfile, a project .npmrc, ~/.npmrc); the run; the
 * case's checks; then, for a run that failed, every user file byte for byte as it was, and post's cleanup.
 */
async function runCase(options: CaseOptions, check: (result: Case) => Promise<void> | void): Promise<void> {
  const sandbox = await makeSandbox(options.programs);
  const home = path.join(sandbox.root, 'home');
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, '.npmrc'), USER_NPMRC);
  fs.writeFileSync(path.join(sandbox.workspace, '.npmrc'), PROJECT_NPMRC);
  if (!options.programs) fs.writeFileSync(path.join(sandbox.workspace, 'package-lock.json'), committedLockfile);
  const env = { ...options.env, ...options.prepare?.(sandbox) };
  const userFiles = [path.join(home, '.npmrc'), ...['package.json', 'package-lock.json', '.npmrc'].map((name) => path.join(sandbox.workspace, name))];
  const before = new Map(userFiles.map((file) => [file, fs.existsSync(file) ? fs.readFileSync(file) : undefined]));
  const run = await runSetup(registry, sandbox, { ...options, home, env });
  try {
    await check({ sandbox, home, run });
    if (run.main.exitCode !== 0) {
      for (const [file, content] of before) {
        assert.deepEqual(fs.existsSync(file) ? fs.readFileSync(file) : undefined, content, `${file} is untouched`);
      }
    }
    if (run.post) {
      assert.equal(run.post.exitCode, 0, run.post.log);
      const leftovers = fs.readdirSync(run.runnerTemp).filter((name) => /^setup-pulumi-npm-(?!report)/.test(name));
      assert.deepEqual(leftovers, [], 'post removed the config folder');
    }
  } finally {
    await run.cleanup();
    await sandbox.cleanup();
  }
}

function failsWith(expected: string | ((sandbox: Sandbox) => string)) {
  return ({ run, sandbox }: Case) => {
    assert.equal(run.main.exitCode, 1, run.main.log);
    assert.equal(failureOf(run.main), typeof expected === 'string' ? expected : expected(sandbox));
    assert.doesNotMatch(run.main.stdout + run.main.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  };
}

describe('bad input, bad files, a hostile environment and faults mid-run', () => {
  describe('inputs', () => {
    const inputs: Array<[string, Record<string, string>, string | ((sandbox: Sandbox) => string)]> = [
      ['an unknown policy', { policy: 'strict' }, 'Input "policy" is "strict": use one of "error", "warn", "off".'],
      ['an unknown cache mode', { cache: 'yes' }, 'Input "cache" is "yes": use one of "true", "false", "restore".'],
      [
        'a registry-url that is not a URL',
        { 'registry-url': 'npmjs.pulumi.com' },
        'Input "registry-url" is "npmjs.pulumi.com", which is not a URL: give the registry\'s address, for example "https://npmjs.pulumi.com/".',
      ],
      [
        'a registry-url with a query string',
        { 'registry-url': 'https://npmjs.pulumi.com/?tab=1' },
        'Input "registry-url" is "https://npmjs.pulumi.com/?tab=1": remove the query string, fragment or credentials; the token goes in "pulumi-access-token".',
      ],
      [
        'a scope with spaces',
        { scope: '@pulumi corp' },
        'Input "scope" is "@pulumi corp", which is not an npm scope: use lower case letters, digits, "-", "." or "_", as in "@pulumi".',
      ],
      [
        'a scope in upper case',
        { scope: '@Pulumi' },
        'Input "scope" is "@Pulumi", which is not an npm scope: use lower case letters, digits, "-", "." or "_", as in "@pulumi".',
      ],
      [
        'a working-directory above the workspace',
        { 'working-directory': '../x' },
        (s) => `Input "working-directory" lists "../x", which is outside the workspace ${s.workspace}: give a folder inside the repository.`,
      ],
      [
        'a working-directory elsewhere on disk',
        { 'working-directory': os.tmpdir() },
        (s) => `Input "working-directory" lists "${os.tmpdir()}", which is outside the workspace ${s.workspace}: give a folder inside the repository.`,
      ],
      [
        'a missing working-directory',
        { 'working-directory': 'nope' },
        (s) =>
          `Input "working-directory" lists "nope", which does not exist (${path.join(s.workspace, 'nope')}): ` +
          `check the path, and that the repository was checked out first (actions/checkout).`,
      ],
      [
        'a working-directory that is a file',
        { 'working-directory': 'package.json' },
        'Input "working-directory" lists "package.json", which is a file, not a folder: give the folder that holds package.json.',
      ],
      [
        'a working-directory listed twice',
        { 'working-directory': '.\n./' },
        'Input "working-directory" lists the same folder twice ("." and "./"): list each program once.',
      ],
      [
        'a link that names no package',
        { link: 'pulumi-sdk-missing', 'link-path': '', policy: 'warn' },
        (s) =>
          `Input "link" lists "pulumi-sdk-missing", but no package "pulumi-sdk-missing" is ` +
          `linked in npm's global folder ${path.join(s.npmPrefix, 'lib/node_modules')}. ` +
          `Set "link-path" to the folder that holds the pulumi-sdk-missing package (the action ` +
          `registers it with npm link), or run "npm link" in that folder in an earlier step.`,
      ],
      [
        'a link-path that is not a package',
        { 'link-path': 'empty-folder' },
        (s) =>
          `Input "link-path" is "${path.join(s.workspace, 'empty-folder')}", which holds ` +
          `no package.json with a "name": point it at the folder of the package to link.`,
      ],
    ];
    for (const [what, given, message] of inputs) {
      it(what, () => runCase({ inputs: given, prepare: (s) => fs.mkdirSync(path.join(s.workspace, 'empty-folder')) }, failsWith(message)));
    }

    it('an http:// registry on another host: a warning, because the token would travel in clear text', () =>
      runCase({ token: '', inputs: { install: 'false', policy: 'off', 'registry-url': 'http://npm.example.com/' } }, ({ run }) => {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.deepEqual(
          warningsOf(run.main).map((w) => w.message),
          ['Input "registry-url" uses http:// to npm.example.com: the token would travel in clear text. Use https://.'],
        );
      }));
  });

  describe('files', () => {
    const annotated =
      (title: string, file: string, message: string, locate: (sandbox: Sandbox) => Promise<{ line: string; col: string }>) =>
      async ({ run, sandbox }: Case) => {
        assert.equal(run.main.exitCode, 1, run.main.log);
        const annotation = errorsOf(run.main).find((command) => command.properties['title'] === title);
        assert.ok(annotation, run.main.log);
        assert.deepEqual(
          { file: annotation.properties['file'], line: annotation.properties['line'], col: annotation.properties['col'], message: annotation.message },
          { file, ...(await locate(sandbox)), message },
        );
        assert.equal(failureOf(run.main), '1 dependency policy violation: see the annotations (set "policy: warn" to report without failing).');
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false, 'nothing was installed');
      };
    const at = (line: string, col: string) => async () => ({ line, col });
    const manifestAt = (text: string) => (sandbox: Sandbox) => positionOf(path.join(sandbox.workspace, 'package.json'), text);

    it('an empty package.json', () =>
      runCase(
        { programs: { '.': '' } },
        annotated(
          'package-json',
          'package.json',
          'package.json is empty; it must hold a JSON object, such as { "name": "my-program", "dependencies": {} }.',
          at('1', '1'),
        ),
      ));
    it('a package.json that is not JSON', () =>
      runCase(
        { programs: { '.': '{ name: "x" }\n' } },
        annotated(
          'package-json',
          'package.json',
          'package.json is not valid JSON: an unexpected character here; fix the syntax so npm can read it.',
          at('1', '3'),
        ),
      ));
    it('a package.json that is JSON but not an object', () =>
      runCase({ programs: { '.': '["infra"]\n' } }, annotated('package-json', 'package.json', 'package.json must hold a JSON object.', at('1', '1'))));
    it('a package.json with a duplicate key', () => {
      const text =
        '{\n  "name": "infra",\n  "dependencies": { "@pulumi/aws": "^0.10.0" },\n  "peerDependencies": ' +
        '{ "pulumi": "latest" },\n  "dependencies": { "@pulumi/aws": "^0.10.0" }\n}\n';
      return runCase(
        { programs: { '.': text } },
        annotated(
          'package-json',
          'package.json',
          'Duplicate key "dependencies" in package.json; npm keeps only the last one, so remove the other.',
          async (s) => {
            const lines = fs.readFileSync(path.join(s.workspace, 'package.json'), 'utf8').split('\n');
            return { line: String(lines.lastIndexOf('  "dependencies": { "@pulumi/aws": "^0.10.0" }') + 1), col: '3' };
          },
        ),
      );
    });
    it('a package.json with CRLF line endings: findings on the right line', () => {
      const text =
        '{\r\n  "name": "infra",\r\n  "dependencies": {\r\n    "@pulumi/aws": "^0.9.0"\r\n  },\r\n  "peerDependencies": { "pulumi": "latest" }\r\n}\r\n';
      return runCase(
        { programs: { '.': text } },
        annotated(
          'minimum-version',
          'package.json',
          '"@pulumi/aws": "^0.9.0" admits versions from 0.9.0, below 0.10.0; the pulumi-0.10 preset supports @pulumi/aws ' +
            'from 0.10.0 ("minimum-version" in the policy file), so use "@pulumi/aws": "^0.10.0".',
          manifestAt('"^0.9.0"'),
        ),
      );
    });
    it('a package.json with a byte order mark is read as npm reads it', () =>
      runCase({ programs: { '.': `\uFEFF${JSON.stringify(docsProgram, null, 2)}\n` }, inputs: { install: 'false' } }, ({ run }) => {
        assert.equal(run.main.exitCode, 0, run.main.log);
        assert.deepEqual(errorsOf(run.main), []);
      }));
    it('a lockfile that is not JSON', () =>
      runCase(
        { prepare: (s) => fs.writeFileSync(path.join(s.workspace, 'package-lock.json'), '{\n  "lockfileVersion": 3,\n  oops\n}\n') },
        annotated(
          'lockfile-registry',
          'package-lock.json',
          'package-lock.json is not valid JSON: an unexpected character here; delete it and run npm install to write a new one.',
          at('3', '3'),
        ),
      ));
    it('a lockfile of an unknown version', () =>
      runCase(
        {
          prepare: (s) =>
            fs.writeFileSync(path.join(s.workspace, 'package-lock.json'), '{\n  "name": "infra",\n  "lockfileVersion": 9,\n  "packages": {}\n}\n'),
        },
        annotated(
          'lockfile-registry',
          'package-lock.json',
          "package-lock.json has lockfileVersion 9, which is none of npm's (1, 2 or 3); write it again with npm install, or check what wrote this file.",
          at('3', '22'),
        ),
      ));
  });

  describe('environment', () => {
    it('RUNNER_TEMP unset: the config goes to the system temp folder, and post still removes it', () =>
      runCase({ env: { RUNNER_TEMP: undefined } }, ({ run }) => {
        assert.equal(run.main.exitCode, 0, run.main.log);
        const npmrc = run.main.outputs['npmrc']!;
        assert.equal(path.dirname(path.dirname(npmrc)), run.tmpDir);
        assert.equal(fs.existsSync(path.dirname(npmrc)), false, 'post removed it');
        fs.rmSync(run.main.outputs['report']!, { force: true });
        fs.rmSync(run.main.outputs['sarif']!, { force: true });
      }));
    it('RUNNER_TEMP not writable', () => {
      const blocked = (s: Sandbox) => path.join(s.root, 'a-file', 'temp');
      return runCase(
        {
          prepare: (s) => {
            fs.writeFileSync(path.join(s.root, 'a-file'), '');
            return { RUNNER_TEMP: blocked(s) };
          },
        },
        failsWith(
          (s) => `Cannot write the npm config under RUNNER_TEMP (${blocked(s)}): ENOTDIR. The runner's temporary folder must be writable and have free space.`,
        ),
      );
    });
    it('HOME unset', () =>
      runCase({ env: { HOME: undefined } }, ({ run }) => {
        assert.equal(run.main.exitCode, 0, run.main.log);
      }));
    it('npm missing from the PATH', () =>
      runCase(
        { env: { PATH: '/nonexistent' } },
        failsWith('Cannot run "npm": it is not on the PATH. Set up Node.js and npm in an earlier step (actions/setup-node).'),
      ));
    it('the global npm prefix not writable', () => {
      const prefix = (s: Sandbox) => path.join(s.root, 'prefix-file', 'prefix');
      return runCase(
        {
          prepare: (s) => {
            fs.writeFileSync(path.join(s.root, 'prefix-file'), '');
            return { NPM_CONFIG_PREFIX: prefix(s) };
          },
        },
        failsWith(
          (s) =>
            `Cannot register "pulumi" in npm's global folder ${path.join(prefix(s), 'lib/node_modules')}: ` +
            `ENOTDIR. Make the npm prefix writable, or set NPM_CONFIG_PREFIX to a folder the job can write.`,
        ),
      );
    });
    it('a registry that resets every connection: retried, then one line', async () => {
      const resetting = await useHttpServer((request) => request.socket.destroy());
      // policy off: the committed lockfile resolves from the test registry, which the policy would rightly flag first.
      await runCase({ inputs: { 'registry-url': resetting.url, policy: 'off' } }, (result) => {
        failsWith(
          `Token check: the registry ${resetting.url} is unreachable (ECONNRESET), after 3 attempts. ` +
            `Check "registry-url", and that the runner can reach it (proxy, firewall, registry status).`,
        )(result);
        const { run } = result;
        assert.equal((run.main.log.match(/retrying in/g) ?? []).length, 2, 'two retries were logged');
      });
    });
    it('a registry that answers with an HTML page', async () => {
      const portal = await useHttpServer((_request, response) =>
        response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>'),
      );
      await runCase(
        { inputs: { 'registry-url': portal.url, policy: 'off' } },
        failsWith(
          `Token check: ${portal.url} does not look like an npm registry: asked for who the token belongs ` +
            `to, it answered 200 with an HTML page (a login page or a proxy, perhaps). Check "registry-url".`,
        ),
      );
    });
  });

  describe('install', () => {
    it('npm cannot find a package (404): the message names it', () =>
      runCase(
        { programs: { '.': { ...docsProgram, dependencies: { '@pulumi/aws': '^0.10.0', 'no-such-package': '^1.0.0' } } } },
        failsWith(
          '"npm install" failed in the repository root (.) (exit code 1): no-such-package@^1.0.0 was not found (404). ' +
            'Check its name and version in package.json and the lockfile, and that the registry it comes from has it ' +
            `(the scope's packages come from ${registry.url}).`,
        ),
      ));
    it('an install script fails during the install: the message names the script', () =>
      runCase(
        { programs: { '.': { ...docsProgram, scripts: { postinstall: 'node -e "process.exit(3)"' } } } },
        failsWith(
          (sandbox) =>
            `"npm install" failed in the repository root (.) (exit code 3): ` +
            `an install script failed in ${sandbox.workspace} (sh -c node -e "process.exit(3)"). ` +
            'Its output is in the log above; "ignore-scripts: true" runs none.',
        ),
      ));
    it("the program's prepare script fails during the install", () =>
      runCase(
        { programs: { '.': { ...docsProgram, scripts: { prepare: 'node -e "process.exit(4)"' } } } },
        failsWith(
          (sandbox) =>
            `"npm install" failed in the repository root (.) (exit code 4): ` +
            `an install script failed in ${sandbox.workspace} (sh -c node -e "process.exit(4)"). ` +
            'Its output is in the log above; "ignore-scripts: true" runs none.',
        ),
      ));
  });

  it("a failure in the second program puts back the lockfile the first program's install wrote", () =>
    runCase(
      {
        programs: { app: docsProgram, db: { ...docsProgram, name: 'db', scripts: { postinstall: 'node -e "process.exit(5)"' } } },
        inputs: { 'working-directory': 'app\ndb' },
      },
      ({ run, sandbox }) => {
        assert.equal(
          failureOf(run.main),
          `"npm install" failed in db (exit code 5): an install script failed in ${path.join(sandbox.workspace, 'db')} (sh -c node -e "process.exit(5)"). ` +
            'Its output is in the log above; "ignore-scripts: true" runs none.',
        );
        assert.ok(fs.existsSync(path.join(sandbox.workspace, 'app/node_modules/@pulumi/aws')), 'the first program was installed');
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'app/package-lock.json')), false, 'its new lockfile was removed');
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'db/package-lock.json')), false);
        assert.match(run.main.log, /put back app\/package-lock\.json, db\/package-lock\.json as the run found them/);
      },
    ));

  describe('faults mid-run', () => {
    it('the install killed', () =>
      runCase(
        {
          inputs: { 'install-command': 'node kill-self.js' },
          prepare: (s) => fs.writeFileSync(path.join(s.workspace, 'kill-self.js'), "process.kill(process.pid, 'SIGKILL');\n"),
        },
        failsWith(
          '"node kill-self.js" in the repository root (.) was killed before it finished (by a signal: out of memory, or the ' +
            'job was cancelled). Run the job again; if it recurs, look for memory use in the log above.',
        ),
      ));
    it('the main step cancelled during the install: post still removes the config', () =>
      runCase(
        {
          inputs: { 'install-command': 'node kill-action.js' },
          prepare: (s) => fs.writeFileSync(path.join(s.workspace, 'kill-action.js'), "process.kill(process.ppid, 'SIGKILL');\n"),
        },
        ({ run }) => {
          assert.equal(run.main.exitCode, null, 'the main step died');
          assert.ok(run.main.state['configDir'], 'the folder was in the state before the install');
          assert.equal(fs.existsSync(run.main.state['configDir']!), false, 'post removed it');
        },
      ));
    it('the cache service failing between reserve and commit: one warning, the job goes on', () =>
      runCase(
        {
          inputs: { cache: 'true', 'cache-key-prefix': 'commit-fault' },
          env: cacheServer.env('v1'),
          prepare: () => void cacheServer.inject({ kind: 'status', on: 'commit', status: 500 }),
        },
        ({ run }) => {
          cacheServer.clearFaults();
          assert.equal(run.main.exitCode, 0, run.main.log);
          const warnings = warningsOf(run.main).map((w) => w.message);
          assert.equal(warnings.length, 1, warnings.join('\n'));
          assert.match(warnings[0]!, /^Saving the node_modules cache failed \(.+\); the job goes on\.$/);
          assert.equal(
            cacheServer.entries().some((entry) => entry.key.startsWith('commit-fault')),
            false,
          );
        },
      ));
  });

  describe('untrusted triggers', () => {
    const forkPayload = (s: Sandbox) => {
      const file = path.join(s.root, 'event.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          repository: { full_name: 'octo/program' },
          pull_request: {
            number: 7,
            head: { ref: 'patch-1', repo: { full_name: 'stranger/program', fork: true } },
            base: { repo: { full_name: 'octo/program' } },
          },
        }),
      );
      return { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: file };
    };

    it('pull_request_target from a fork: the policy runs, the token is not handed to the install', () =>
      runCase({ prepare: forkPayload }, ({ run, sandbox }) => {
        failsWith(
          'This pull_request_target run builds code from stranger/program with the secrets of octo/program, so the action does not hand it the Pulumi ' +
            "access token: that code's package.json, lockfile, .npmrc or install scripts could send the token anywhere. The dependency " +
            'policy check still ran; set "allow-untrusted: true" to install with the token anyway, only if you trust that code.',
        )({ run, sandbox } as Case);
        assert.match(run.main.log, /Policy: 0 errors/);
        assert.equal(run.main.outputs['npmrc'], undefined, 'no config was written');
        assert.equal(fs.existsSync(path.join(sandbox.workspace, 'node_modules')), false);
      }));

    it('allow-untrusted: true installs, with a warning, and never saves the cache', () =>
      runCase(
        { inputs: { 'allow-untrusted': 'true', cache: 'true', 'cache-key-prefix': 'untrusted-fork' }, env: cacheServer.env('v2'), prepare: forkPayload },
        ({ run }) => {
          assert.equal(run.main.exitCode, 0, run.main.log);
          assert.deepEqual(
            warningsOf(run.main).map((w) => w.message),
            ['"allow-untrusted" is true: the token goes to an install of stranger/program\'s code.'],
          );
          assert.match(run.main.log, /Not saving node_modules: pull_request_target runs never save/);
          assert.equal(
            cacheServer.entries().some((entry) => entry.key.startsWith('untrusted-fork')),
            false,
          );
        },
      ));
  });
});
