import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lexerUses } from '../src/policy/scan/lexer.js';
import { parserUses } from '../src/policy/scan/parser.js';
import { scanSources } from '../src/policy/scan/scan.js';
import { packageOfSpecifier, type ModuleUse } from '../src/policy/scan/uses.js';

/** kind:specifier[:type] — what a use is, and whether it is erased from the JavaScript. */
/** One file's scan, as the policy check scans its files. */
const scanSource = async (path: string, text: string) => (await scanSources([{ path, text }]))[0]!;

const brief = (uses: ModuleUse[]): string[] => uses.map((use) => `${use.kind}:${use.specifier}${use.typeOnly ? ':type' : ''}`);

const ESM_TYPESCRIPT = `#!/usr/bin/env node
// import "in-a-line-comment"
import type { Output } from "t-type";
import { type Input, all } from 't-mixed';
export type { Resource } from "t-export-type";
export * from "t-star"; export * as ns from "t-star-as";
/* import "in-a-block-comment" */ import/* x */ * as aws /**/ from /* y */ '@pulumi/aws/s3' ;
const text = "import 'in-a-string'"; const later = \`\${ import('dyn-in-template') }\`;
const re = /import "in-a-regex"/g; const ratio = a < b ? c / 2 : d;
let kind: typeof import("t-typeof") | undefined;
import type from "default-named-type"; import "side-effect"; export { e } from "e";
import(\`literal-template\`); import(\`pattern-\${name}\`); import(name);
import fs = require("fs"); import type T = require("t-equals");
export const k = 1; export default function () {}
`;

describe('the two scanners', () => {
  it('read every ES module form, and agree with each other', () => {
    const expected = [
      'import:t-type:type',
      'import:t-mixed',
      'export-from:t-export-type:type',
      'export-from:t-star',
      'export-from:t-star-as',
      'import:@pulumi/aws/s3',
      'dynamic-import:dyn-in-template',
      'dynamic-import:t-typeof:type',
      'import:default-named-type',
      'import:side-effect',
      'export-from:e',
      'dynamic-import:literal-template',
      'import:fs',
      'import:t-equals:type',
    ];
    const lexed = lexerUses(ESM_TYPESCRIPT, 'a.ts');
    const parsed = parserUses(ESM_TYPESCRIPT, { typescript: true, jsx: false });
    assert.deepEqual(brief(lexed), expected);
    assert.deepEqual(parsed, lexed);
  });

  it('give the offsets of the string literal, quotes included', async () => {
    const text = `import a from 'x';\nconst b = import("y");`;
    for (const uses of [lexerUses(text, 'a.js'), parserUses(text, { typescript: false, jsx: true })]) {
      assert.deepEqual(
        uses.map((use) => text.slice(use.start, use.end)),
        ["'x'", '"y"'],
      );
    }
  });
});

describe('scanSource', () => {
  it('reads require() with comments and odd whitespace, and only real calls', async () => {
    const text = [
      '"use strict";',
      '/* require("in-a-comment") */',
      "const aws   =   require (  '@pulumi/aws'  ) ;",
      'const { x } = require(',
      '    "@pulumi/cloud"   // trailing comment',
      ');',
      'const pad = require(`left-pad`);',
      'const notALiteral = require(name); const method = thing.require("method-call");',
      'const s = "require(\'in-a-string\')";',
      'const resolved = require.resolve("resolve-only");',
    ].join('\n');
    const result = await scanSource('/p/index.cjs', text);
    assert.equal(result.error, undefined);
    assert.deepEqual(brief(result.uses), ['require:@pulumi/aws', 'require:@pulumi/cloud', 'require:left-pad']);
  });

  it('reads JSX, which the lexer cannot, with the parser', async () => {
    const text = `import React from "react";\nexport const Page = () => <p>Don't import "fake" here</p>;\n`;
    assert.throws(() => lexerUses(text, 'page.jsx'));
    assert.deepEqual(brief((await scanSource('/p/page.jsx', text)).uses), ['import:react']);
    const tsx = `import type { FC } from "react";\nexport const P: FC = () => <b>it's</b>;`;
    assert.deepEqual(brief((await scanSource('/p/page.tsx', tsx)).uses), ['import:react:type']);
  });

  it('reads a type assertion in .ts, where <T> is not JSX', async () => {
    const text = `import { a } from "a";\nconst b = <any>a;\nconst c = require("c");`;
    assert.deepEqual(brief((await scanSource('/p/x.ts', text)).uses), ['import:a', 'require:c']);
  });

  it('reports a file it cannot parse with the offset of the error', async () => {
    const text = 'import a from "a";\nconst = require("b");\n';
    const result = await scanSource('/p/broken.js', text);
    assert.deepEqual(result.uses, []);
    assert.equal(result.error?.offset, text.indexOf('= require'));
    assert.match(result.error!.message, /^Unexpected token/);
  });
});

describe('packageOfSpecifier', () => {
  it('names the package of bare specifiers and subpaths, and nothing else', () => {
    const cases: Array<[string, string | undefined]> = [
      ['@pulumi/aws', '@pulumi/aws'],
      ['@pulumi/aws/s3', '@pulumi/aws'],
      ['pulumi/runtime', 'pulumi'],
      ['pulumi', 'pulumi'],
      ['./local', undefined],
      ['../up', undefined],
      ['/absolute', undefined],
      ['node:fs', undefined],
      ['https://esm.sh/x', undefined],
      ['#internal', undefined],
      ['@scope-only', undefined],
    ];
    for (const [specifier, name] of cases) assert.equal(packageOfSpecifier(specifier), name, specifier);
  });
});

describe('scanSources on hostile text', () => {
  for (const extension of ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']) {
    it(`sees past a byte order mark at the start of a ${extension} file, keeping offsets`, async () => {
      const text = '\uFEFFimport "@pulumi/aws";\nconst b = require("@pulumi/gcp");\n';
      const { uses, error } = await scanSource(`/p/index${extension}`, text);
      assert.equal(error, undefined);
      assert.deepEqual(
        uses.map((use) => text.slice(use.start, use.end)),
        ['"@pulumi/aws"', '"@pulumi/gcp"'],
      );
    });
  }

  it('reads JSX in a .js file (the lexer fails on it, the parser reads it)', async () => {
    const { uses } = await scanSource('/p/view.js', 'import React from "react";\nexport const View = () => <p>don\'t {React.version}</p>;\n');
    assert.deepEqual(brief(uses), ['import:react']);
  });
});
