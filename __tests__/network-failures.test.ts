/**
 * Each manager's failed install, when the network explains it, says so with what to do. The outputs are what npm 11,
 * pnpm 10, yarn 1.22, yarn 4 and bun 1.4 printed against a server on 127.0.0.1 answering 500 or resetting the
 * connection, and against one with a certificate nobody trusts (e2e-network-failures.test.ts plays them end to end,
 * through the bundle).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainBunFailure } from '../src/package-managers/bun/bun.js';
import { networkFailureIn } from '../src/package-managers/network-failures.js';
import { explainNpmFailure } from '../src/package-managers/npm/npm.js';
import { explainPnpmFailure } from '../src/package-managers/pnpm/pnpm.js';
import { explainYarnFailure } from '../src/package-managers/yarn/failure.js';
import { RegistryTrouble, troubleSentence } from '../src/token/registry-trouble.js';

const REGISTRY = 'http://127.0.0.1:45871/';
const explainers = { npm: explainNpmFailure, pnpm: explainPnpmFailure, yarn: explainYarnFailure, bun: explainBunFailure };
const explain = (manager: keyof typeof explainers, stderr: string, stdout = '', configuredRegistry?: string) =>
  explainers[manager](`${manager} install`, 'infra', { exitCode: 1, stdout, stderr }, REGISTRY, configuredRegistry).message;
/** Yarn 1's last line, on stdout: a link to its documentation, not the registry. */
const YARN1_FOOTER =
  'yarn install v1.22.22\ninfo No lockfile found.\n[1/4] Resolving packages...\ninfo Visit https://yarnpkg.com/en/docs/cli/install for documentation about this command.\n';
/** Yarn 4 colours its lines on a runner: `➤ YN0035: │   Response Code: 500 (Internal Server Error)` as printed. */
const berryLine = (code: string, text: string) => `\x1b[91m➤\x1b[39m ${code}: │ ${text}`;

const serverErrors: Array<[keyof typeof explainers, string]> = [
  ['npm', 'npm error code E500\nnpm error 500 Internal Server Error - GET http://127.0.0.1:45871/fixture-utils/-/fixture-utils-1.0.0.tgz'],
  ['pnpm', ' ERR_PNPM_FETCH_500  GET http://127.0.0.1:45871/fixture-utils: Internal Server Error - 500'],
  [
    'yarn',
    'error An unexpected error occurred: "http://127.0.0.1:45871/fixture-utils: Request failed \\"500 Internal Server Error\\"".\ninfo If you think this is a bug, please open a bug report',
  ],
  [
    'yarn',
    'error Error: http://127.0.0.1:45871/fixture-utils/-/fixture-utils-1.1.0.tgz: Request failed "500 Internal Server Error"\n    at ResponseError.ExtendableBuiltin (/yarn/lib/cli.js:696:66)',
  ],
  [
    'yarn',
    [
      berryLine('YN0035', 'fixture-utils@npm:1.1.0: The registry appears to be down (using a local cache might have protected you against such outages)'),
      berryLine('YN0035', '  \x1b[38;5;111mResponse Code\x1b[39m: \x1b[38;5;220m500\x1b[39m (Internal Server Error)'),
      berryLine('YN0035', '  \x1b[38;5;111mRequest URL\x1b[39m: \x1b[38;5;170mhttp://127.0.0.1:45871/fixture-utils/-/fixture-utils-1.1.0.tgz\x1b[39m'),
      berryLine('YN0035', '  \x1b[38;5;111mRequest Retry Count\x1b[39m: \x1b[38;5;220m3\x1b[39m (can be increased via httpRetry)'),
    ].join('\n'),
  ],
  [
    'yarn',
    '➤ YN0035: │ fixture-utils@npm:^1.0.0: The registry appears to be down (using a local cache might have protected you against such outages)\n➤ YN0035: │   Response Code: 500 (Internal Server Error)\n➤ YN0035: │   Request URL: http://127.0.0.1:45871/fixture-utils',
  ],
  ['bun', 'error: GET http://127.0.0.1:45871/fixture-utils - 500\nerror: fixture-utils@^1.0.0 failed to resolve'],
];

const certificates: Array<[keyof typeof explainers, string, string]> = [
  [
    'npm',
    'npm error code SELF_SIGNED_CERT_IN_CHAIN\nnpm error errno SELF_SIGNED_CERT_IN_CHAIN\nnpm error request to https://localhost:45872/fixture-utils failed',
    'SELF_SIGNED_CERT_IN_CHAIN',
  ],
  [
    'pnpm',
    ' WARN  GET https://localhost:45872/fixture-utils error (DEPTH_ZERO_SELF_SIGNED_CERT). Will retry in 1 second. 2 retries left.',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
  ],
  ['yarn', 'error Error: self-signed certificate\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1679:34)', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  ['yarn', '➤ YN0001: │ RequestError: unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  ['bun', 'error: DEPTH_ZERO_SELF_SIGNED_CERT downloading package manifest fixture-utils', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [
    'bun',
    'error: UNABLE_TO_VERIFY_LEAF_SIGNATURE downloading package manifest fixture-utils\nerror: fixture-utils@^1.0.0 failed to resolve',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  ],
  ['yarn', 'error Error: unable to verify the first certificate\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1699:34)', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [
    'yarn',
    `${berryLine('YN0001', 'RequestError: unable to verify the first certificate')}\n    at ClientRequest.<anonymous> (/yarn.js:148:14258)`,
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  ],
];

describe('an install that the network failed', () => {
  it('names the 5xx, the host and what to check, for every manager', () => {
    for (const [manager, output] of serverErrors) {
      assert.match(
        explain(manager, output),
        new RegExp(
          `^"${manager} install" failed in infra \\(exit code 1\\): 127\\.0\\.0\\.1:45871 answered 500 \\(a server error\\) ` +
            `and ${manager} gave up\\. Check the registry's status`,
        ),
        output,
      );
      // Yarn 1 prints its error on stderr, its link to yarnpkg.com on stdout: the host is the failing line's.
      if (manager === 'yarn') assert.match(explain(manager, output, YARN1_FOOTER), / 127\.0\.0\.1:45871 answered 500 /);
    }
  });

  it("names the certificate code, NODE_EXTRA_CA_CERTS and the manager's own setting", () => {
    const settings = {
      npm: /npm's "cafile"/,
      pnpm: /pnpm's "cafile"/,
      yarn: /yarn 2\+'s "httpsCaFilePath" .*yarn 1: "cafile"/,
      bun: /bun's "cafile" under \[install\]/,
    };
    for (const [manager, output, code] of certificates) {
      const message = explain(manager, output);
      assert.match(message, new RegExp(`: the TLS certificate of (localhost:45872|the registry) is not trusted \\(${code}\\)\\. `), output);
      assert.match(message, /set NODE_EXTRA_CA_CERTS in the job's env to a PEM file/);
      assert.match(message, settings[manager]);
    }
  });

  it('names the registry the manager is configured with when its output names no host, never a link to its docs', () => {
    const configured = 'https://localhost:45872/';
    const [yarn1, yarn4, bun] = [
      explain('yarn', 'error Error: unable to verify the first certificate', YARN1_FOOTER, configured),
      explain('yarn', '', berryLine('YN0001', 'RequestError: unable to verify the first certificate'), configured),
      explain('bun', 'error: UNABLE_TO_VERIFY_LEAF_SIGNATURE downloading package manifest fixture-utils', '', configured),
    ];
    for (const [message, manager] of [
      [yarn1, 'yarn'],
      [yarn4, 'yarn'],
      [bun, 'bun'],
    ] as const) {
      assert.match(
        message,
        new RegExp(
          `the TLS certificate of localhost:45872 \\(the registry ${manager} is configured with\\) is not trusted \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)`,
        ),
      );
    }
    assert.match(explain('yarn', 'error Error: unable to verify the first certificate', YARN1_FOOTER), /the TLS certificate of the registry is not trusted/);
  });

  it('names a reset connection as each manager prints it, with the host', () => {
    const resets: Array<[keyof typeof explainers, string, string, string]> = [
      [
        'pnpm',
        '',
        ' WARN  GET http://127.0.0.1:45871/fixture-utils/-/fixture-utils-1.1.0.tgz error (ECONNRESET). Will retry in 2 seconds. 1 retries left.\n ECONNRESET  request to http://127.0.0.1:45871/fixture-utils/-/fixture-utils-1.1.0.tgz failed, reason: socket hang up',
        'ECONNRESET',
      ],
      [
        'yarn',
        'error Error: http://127.0.0.1:45871/fixture-utils/-/fixture-utils-1.1.0.tgz: socket hang up\n    at Socket.socketOnEnd (node:_http_client:528:25)',
        YARN1_FOOTER,
        'ECONNRESET',
      ],
      ['bun', 'error: ConnectionClosed downloading tarball fixture-utils@1.1.0', '', 'ConnectionClosed'],
    ];
    for (const [manager, stderr, stdout, code] of resets) {
      assert.match(
        explain(manager, stderr, stdout, REGISTRY),
        new RegExp(
          `: the connection to 127\\.0\\.0\\.1:45871 (\\(the registry ${manager} is configured with\\) )?failed \\(${code}\\) ` + `and ${manager} gave up`,
        ),
        stderr,
      );
    }
    assert.match(
      explain('yarn', '', `${berryLine('YN0001', 'RequestError: socket hang up')}\n    at ClientRequest.<anonymous> (/yarn.js:148:14258)`, REGISTRY),
      /: the connection to 127\.0\.0\.1:45871 \(the registry yarn is configured with\) failed \(ECONNRESET\)/,
    );
  });

  it('names a failed connection, and leaves failures of other kinds to the manager', () => {
    assert.match(
      explain('npm', 'npm error code ECONNRESET\nnpm error network aborted\nnpm error network request to http://127.0.0.1:45871/x failed'),
      /: the connection to 127\.0\.0\.1:45871 failed \(ECONNRESET\) and npm gave up\. Check that the runner reaches it/,
    );
    // A git dependency's host fails on the line itself: named, though github.com is documentation elsewhere.
    assert.match(
      explain('yarn', '', `${berryLine('YN0001', 'Error: https://github.com/acme/lib.git: socket hang up')}\n`, REGISTRY),
      /: the connection to github\.com failed \(ECONNRESET\)/,
    );
    assert.equal(networkFailureIn('npm error code E404\nnpm error 404 Not Found - GET http://127.0.0.1:45871/nope'), undefined);
    assert.equal(networkFailureIn('➤ YN0035: │ nope@npm:^1.0.0: Package not found\n➤ YN0035: │   Response Code: 404 (Not Found)'), undefined);
  });
});

describe("the credential proxy's record of the registry's failures", () => {
  it('gives up after MAX_FAILURES in a row, or GIVE_UP_AFTER_MS of failures; a good answer starts again', () => {
    const trouble = new RegistryTrouble('registry.example:443');
    for (let failure = 1; failure < RegistryTrouble.MAX_FAILURES; failure++) trouble.failed({ status: 500 }, 0);
    assert.equal(trouble.refuses(1), false);
    trouble.failed({ status: 502 }, 2);
    assert.equal(trouble.refuses(3), true);
    assert.deepEqual(trouble.report(), { host: 'registry.example:443', failures: RegistryTrouble.MAX_FAILURES, first: { status: 500 }, refused: 1 });
    trouble.succeeded();
    assert.equal(trouble.report(), undefined);
    trouble.failed({ code: 'ECONNRESET' }, 1_000);
    assert.equal(trouble.refuses(1_000 + RegistryTrouble.GIVE_UP_AFTER_MS - 1), false);
    assert.equal(trouble.refuses(1_000 + RegistryTrouble.GIVE_UP_AFTER_MS), true);
  });

  it('says what it saw: a status, a failed connection, an untrusted certificate', () => {
    const report = { host: 'npm.example.com', failures: 3, refused: 0 };
    assert.match(
      troubleSentence({ ...report, first: { status: 503 } }),
      /^The credential proxy saw npm\.example\.com answer 503 \(a server error\) 3 times in a row: check/,
    );
    assert.match(
      troubleSentence({ ...report, refused: 2, first: { code: 'ECONNRESET' } }),
      /^The credential proxy's connections to npm\.example\.com failed 3 times in a row \(ECONNRESET\), and then stopped asking it: check/,
    );
    assert.match(
      troubleSentence({ ...report, first: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } }),
      /^The credential proxy could not trust the TLS certificate of npm\.example\.com \(SELF_SIGNED_CERT_IN_CHAIN, 3 times in a row\)\. .*NODE_EXTRA_CA_CERTS/,
    );
  });
});
