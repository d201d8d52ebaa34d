/** Where a problem sits in a user's file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * A failure the user can act on. The orchestrator prints its message as one line (an annotation
 * when it has a location) and never a stack trace.
 */
export class ActionError extends Error {
  readonly location: SourceLocation | undefined;

  constructor(message: string, location?: SourceLocation) {
    super(message);
    this.name = 'ActionError';
    this.location = location;
  }
}
