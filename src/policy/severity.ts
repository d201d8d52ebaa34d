import type { ConfigurableRuleId, Finding, PolicyConfig, PolicyMode, Severity } from './types.js';

/** The severity a rule's findings get under `config`, or undefined when the rule is off. */
export function ruleSeverity(config: PolicyConfig, rule: ConfigurableRuleId): Severity | undefined {
  const level = config.rules[rule];
  if (level === 'off') return undefined;
  return level === 'warn' ? 'warning' : 'error';
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
