/**
 * A failure the user can act on: its message names the input or file and says what to do. The orchestrator prints it
 * as the job's one failure line, never with a stack trace. Problems at a line of a file are policy findings instead,
 * which become annotations there.
 */
export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionError';
  }
}
