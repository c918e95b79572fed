/** A mistake in how the command was called: one line, then a pointer to `--help`; exit 2. */
export class UsageError extends Error {
  override name = "UsageError" as const;
}

/**
 * A file or stream the CLI could not read or write: one line naming it and the system's reason;
 * exit 2.
 */
export class CliIoError extends Error {
  override name = "CliIoError" as const;

  /** `what` names the path or stream, e.g. `cannot write --out keys.json`. */
  constructor(what: string, cause: unknown) {
    super(`${what}: ${systemReason(cause)}`, { cause });
  }
}

/**
 * The system's reason without the syscall and path Node appends (`ENOENT: no such file or
 * directory, open 'x'` becomes `ENOENT: no such file or directory`), since the caller names the
 * path itself.
 */
export function systemReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, syscall } = error as NodeJS.ErrnoException;
  const suffix = syscall === undefined ? -1 : error.message.indexOf(`, ${syscall}`);
  if (typeof code === "string" && error.message.startsWith(`${code}: `) && suffix > 0) {
    return error.message.slice(0, suffix);
  }
  return error.message || (typeof code === "string" ? code : error.name);
}
