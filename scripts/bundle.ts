// `npm run bundle`: dist/ (the action) and dist/cli/ (the command line), built from an empty dist/ with ncc, then every
// emitted file minified. ncc's own --minify reaches only the entry file, not the chunks it splits off, and Node compiles
// each chunk's whole text when it loads it: minified chunks start the action faster.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// The bundle knows its version (src/report/published-cli.ts): the job summary names the published command line of a release.
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
const bundles: Array<[entry: string, outDir: string]> = [
  ['src/action/index.ts', 'dist'],
  ['src/cli/index.ts', 'dist/cli'],
];

// From empty: a chunk the bundler no longer makes must not be left behind.
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [entry, outDir] of bundles) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', outDir, '--license', 'licenses.txt', '--target', 'es2022', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  const files = readdirSync(join(root, outDir)).filter((file) => file.endsWith('.js'));
  const bytes = files.reduce((total, name) => total + minify(join(root, outDir, name)), 0);
  console.log(`${outDir}/: ${files.length} JavaScript files, ${(bytes / 1024).toFixed(0)} KiB`);
}

/** Minifies a file in place; returns its new size in bytes. */
function minify(file: string): number {
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    format: 'esm',
    target: 'es2022',
    minify: true,
    // Libraries name errors and classes and some read those names back (err.name, constructor.name).
    keepNames: true,
    // Kept: licenses.txt (ncc --license) has each package's license file, not the notices of code vendored inside one
    // (undici's copies of ws and formdata-polyfill).
    legalComments: 'inline',
    define: { SETUP_PULUMI_NPM_VERSION: JSON.stringify(version) },
  });
  // Rewriting in place keeps the file's mode (dist/cli/index.js is executable).
  writeFileSync(file, code);
  return Buffer.byteLength(code);
}
