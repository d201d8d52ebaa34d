import { findingAt } from './finding.js';
import type { FindingMaker } from './rules/context.js';
import type { ConfigurableRuleId, Finding, PolicyConfig, PolicyMode, Severity } from './types.js';

/** The rules `config` does not turn off, in their order, each with what makes its findings at its severity. */
export function activeRules<Rule extends { id: ConfigurableRuleId }>(rules: readonly Rule[], config: PolicyConfig): { rule: Rule; finding: FindingMaker }[] {
  return rules.flatMap((rule) => {
    const level = config.rules[rule.id];
    if (level === 'off') return [];
    const severity: Severity = level === 'warn' ? 'warning' : 'error';
    const finding: FindingMaker = (file, span, message, pkg) => findingAt(rule.id, severity, file, span, message, pkg);
    return [{ rule, finding }];
  });
}

/** The action's `policy` input: 'warn' downgrades errors to warnings, 'off' drops every finding. */
export function applyPolicyMode(findings: Finding[], mode: PolicyMode): Finding[] {
  switch (mode) {
    case 'error':
      return findings;
    case 'warn':
      return findings.map((finding) => (finding.severity === 'error' ? { ...finding, severity: 'warning' } : finding));
    case 'off':
      return [];
  }
}
