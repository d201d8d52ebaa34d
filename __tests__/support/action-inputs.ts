import YAML from 'yaml';

/** action.yml's inputs and their defaults, as text ('' where there is none). */
export type ActionInputs = Map<string, string>;

export function readActionInputs(actionYml: string): ActionInputs {
  const action = YAML.parse(actionYml) as { inputs?: Record<string, { default?: unknown } | null> };
  return new Map(
    Object.entries(action.inputs ?? {}).map(([name, spec]) => [name, spec?.default === undefined || spec.default === null ? '' : String(spec.default)]),
  );
}

/** This action as a step names it: `./` in this repository, `<owner>/setup-pulumi-npm@<ref>` elsewhere. */
const THIS_ACTION = /^(\.\/?|[\w.-]+\/setup-pulumi-npm@\S+)$/;

/** The ```yaml blocks of a Markdown text, with the line each starts on. */
export function yamlBlocks(markdown: string): { line: number; text: string }[] {
  return [...markdown.matchAll(/^```ya?ml\r?\n([\s\S]*?)^```/gm)].map((match) => ({
    line: markdown.slice(0, match.index).split('\n').length + 1,
    text: match[1]!,
  }));
}

/** Every `with:` key of a step that uses this action, in a YAML text, that is not an input of action.yml. */
export function unknownWithKeys(yamlText: string, inputs: ActionInputs, where: string): string[] {
  const problems: string[] = [];
  const document = YAML.parseDocument(yamlText);
  if (document.errors.length) return [`${where}: not valid YAML: ${document.errors[0]!.message}`];
  YAML.visit(document, {
    Map(_, step) {
      const uses = step.get('uses');
      if (typeof uses !== 'string' || !THIS_ACTION.test(uses)) return;
      const withMap = step.get('with');
      if (!YAML.isMap(withMap)) return;
      for (const pair of withMap.items) {
        const key = String(YAML.isScalar(pair.key) ? pair.key.value : pair.key);
        if (!inputs.has(key)) problems.push(`${where}: the step "uses: ${uses}" gives "${key}", which is not an input of action.yml`);
      }
    },
  });
  return problems;
}

/** The rows of the Markdown table under a `## <heading>`: first cell without backticks → second cell. */
export function tableUnder(markdown: string, heading: string): Map<string, string> {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line));
  return new Map(
    rows.slice(1).map((row) => {
      const [name = '', value = ''] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      return [name.replace(/`/g, ''), value];
    }),
  );
}

/** What differs between the README's inputs table and action.yml: a missing or extra input, or another default. */
export function inputsTableProblems(table: Map<string, string>, inputs: ActionInputs): string[] {
  const problems: string[] = [];
  for (const [name, fallback] of inputs) {
    const documented = table.get(name);
    if (documented === undefined) problems.push(`input "${name}" of action.yml is not in the README's inputs table`);
    else if (tableDefault(documented) !== fallback) {
      problems.push(`input "${name}": the README's default is ${documented}, action.yml's is "${fallback}"`);
    }
  }
  for (const name of table.keys()) {
    if (!inputs.has(name)) problems.push(`the README's inputs table lists "${name}", which is not an input of action.yml`);
  }
  return problems;
}

/** A default cell as text: `(empty)` is '', a code span is its content. */
function tableDefault(cell: string): string {
  return cell === '(empty)' ? '' : cell.replace(/^`(.*)`$/, '$1');
}
