import { certificateAdvice } from '../package-managers/network-failures.js';

/** What one failed request to the routed registry came to: a 5xx, or no answer (a Node.js error code, or a text). */
export type UpstreamProblem = { status: number } | { code: string };

/** The registry's failures in a row, as the credential proxy saw them. */
export interface TroubleReport {
  host: string;
  failures: number;
  first: UpstreamProblem;
  /** Requests the proxy answered itself, without asking the registry, once it gave up on it. */
  refused: number;
}

/**
 * The routed registry's failures since its last good answer. The credential proxy stops asking a registry that failed
 * MAX_FAILURES times in a row, or kept failing for GIVE_UP_AFTER_MS: it then answers 503 itself, so whatever a package
 * manager's own retries are, the install fails within seconds of the registry's first failure.
 */
export class RegistryTrouble {
  static readonly MAX_FAILURES = 8;
  static readonly GIVE_UP_AFTER_MS = 15_000;
  private streak: { failures: number; startedAt: number; first: UpstreamProblem } | undefined;
  private refused = 0;

  constructor(private readonly host: string) {}

  succeeded(): void {
    this.streak = undefined;
  }

  failed(problem: UpstreamProblem, now = Date.now()): void {
    if (this.streak) this.streak.failures++;
    else this.streak = { failures: 1, startedAt: now, first: problem };
  }

  /** Whether the proxy answers a request for the registry itself, without asking it; counts the refusal. */
  refuses(now = Date.now()): boolean {
    const streak = this.streak;
    const givenUp = streak !== undefined && (streak.failures >= RegistryTrouble.MAX_FAILURES || now - streak.startedAt >= RegistryTrouble.GIVE_UP_AFTER_MS);
    if (givenUp) this.refused++;
    return givenUp;
  }

  report(): TroubleReport | undefined {
    return this.streak && { host: this.host, failures: this.streak.failures, first: this.streak.first, refused: this.refused };
  }
}

const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)/;

/** The sentence a failed install gets when the credential proxy saw the registry fail: what it saw, and what to check. */
export function troubleSentence(report: TroubleReport): string {
  const times = `${report.failures} time${report.failures === 1 ? '' : 's'} in a row`;
  const gaveUp = report.refused > 0 ? ', and then stopped asking it' : '';
  if ('status' in report.first) {
    return (
      `The credential proxy saw ${report.host} answer ${report.first.status} (a server error) ${times}${gaveUp}: ` +
      'check the registry\'s status and "registry-url", and any proxy between the runner and it (HTTPS_PROXY); run the job again when it answers.'
    );
  }
  if (CERTIFICATE_CODE.test(report.first.code)) {
    const what = `${report.first.code}, ${times}${gaveUp}`;
    return `The credential proxy could not trust the TLS certificate of ${report.host} (${what}). ${certificateAdvice(undefined)}`;
  }
  return (
    `The credential proxy's connections to ${report.host} failed ${times} (${report.first.code})${gaveUp}: check that the runner reaches it: ` +
    '"registry-url", the proxy (HTTPS_PROXY, NO_PROXY), the firewall, the registry\'s status.'
  );
}
