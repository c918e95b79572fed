/** Where the CLI reads and writes: the process's streams in production, buffers in tests. */
export interface CliIo {
  /**
   * Reads all of standard input; `undefined` when it is a terminal. Rejects when it cannot be
   * read, or holds more than `maxBytes`.
   */
  readStdin(maxBytes: number): Promise<string | undefined>;
  /** Writes to standard output; throws or rejects when the write fails. */
  stdout(text: string): void | Promise<void>;
  /** Writes to standard error. */
  stderr(text: string): void | Promise<void>;
  /** The environment, for `PICKET_PROJECT_ID` and `PICKET_JWKS_URI`. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit statuses: valid, invalid token, usage or configuration error. */
export const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

/** One of the {@link EXIT} statuses. */
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];
