/** Hears what a reader left out or cut, to say so in one line: on the file's line when there is one. */
export type Notice = (message: string, where?: { file: string; line?: number }) => void;
