import { stripVTControlCharacters } from 'node:util';
import { ActionError } from '../../util/errors.js';
import { failures } from '../failures.js';
import type { CommandResult } from '../command.js';
import { networkFailureError } from '../network-failures.js';

/** Yarn 2+'s mark of an error line when it colours: a red ➤ before the code. */
const RED_MARKER = new RegExp(`${String.fromCharCode(27)}\\[91m➤${String.fromCharCode(27)}\\[39m YN0*(\\d+)`, 'g');

/**
 * Turns yarn's failure into a sentence the user can act on: yarn 2+'s YN0xxx codes (`➤ YN0028: …`) and yarn 1's
 * `error …` lines, each of which names the package or the registry's answer. `configuredRegistry`: the registry yarn
 * was set to use, for a network failure its output names no host of.
 */
export function explainYarnFailure(what: string, where: string, result: CommandResult, registryUrl: string, configuredRegistry?: string): ActionError {
  if (result.exitCode === null) return failures.killed(what, where);
  // Yarn 2+ colours its output on a runner (it sees GITHUB_ACTIONS), an error's ➤ in red.
  const printed = `${result.stdout}\n${result.stderr}`;
  const output = stripVTControlCharacters(printed);
  const errorCodes = new Set([...printed.matchAll(RED_MARKER)].map((match) => Number(match[1])));
  const lead = `"${what}" failed in ${where} (exit code ${result.exitCode})`;
  const berry = [...output.matchAll(/YN0*(\d+): (?:│ )?(.*)/g)].map((match) => ({ code: Number(match[1]), text: match[2]!.trim() }));
  // Yarn 1's error lines; yarn 2+'s refusal of its command line or config, which has no code.
  const classic = (/^error (.*)$/m.exec(output)?.[1] ?? /Usage Error\S*: (.*)/.exec(output)?.[1] ?? '').trim();
  const said = (code: number) => berry.find((line) => line.code === code)?.text;
  const status = /\b(40[134])\b/.exec(said(41) ?? said(35) ?? said(1) ?? classic)?.[1] ?? (said(41) ? '401' : undefined);
  if (said(28) !== undefined || /lockfile needs to be updated/.test(classic)) {
    return new ActionError(
      `${lead}: yarn.lock does not match package.json, and the install may not change it. Run "yarn install" ` +
        `locally with the same yarn and commit the updated yarn.lock.`,
    );
  }
  const script = said(9) ?? (/Command failed/.test(classic) ? classic : undefined);
  if (script) {
    return new ActionError(`${lead}: an install script failed (${script}). Its output is in the log above; "ignore-scripts: true" runs none.`);
  }
  if (status === '401') return failures.unauthorized(lead, registryUrl);
  if (status === '403') return failures.forbidden(lead);
  // Yarn 2+ says YN0035 for a registry that is down as for a package that is not there.
  const network = networkFailureError(lead, output, 'yarn', configuredRegistry);
  if (network) return network;
  const missing = said(35) ?? (/Couldn't find package|404/.test(classic) ? classic : undefined);
  if (status === '404' || missing) return failures.notFound(lead, undefined, `404: ${missing ?? 'see the log above'}`, registryUrl);
  const quarantined = said(16);
  if (quarantined) {
    return new ActionError(`${lead}: ${quarantined}: yarn's "npmMinimalAgeGate" holds back versions newer than it allows. Wait, or lower it in .yarnrc.yml.`);
  }
  // The first error, not a line of the summary before it (YN0085's "+ package@npm:1.0.0, and 1 more").
  const first = (berry.find((line) => line.code !== 0 && (errorCodes.size === 0 || errorCodes.has(line.code)))?.text ?? classic).replace(/\.$/, '');
  return new ActionError(`${lead}${first ? `: ${first}` : ''}. yarn's output is in the log above.`);
}
