import type { PicketValidationError } from "../errors.js";
import { type CliIo, EXIT, type ExitStatus } from "./cli-io.js";
import { escapeControl, toSafeJson } from "./escape-output.js";

/** How a failure is printed. */
export interface ReportOptions {
  /** Also print `{ error, message }` on standard output. */
  json: boolean;
  /** The key set's URL or file, named in JWKS errors whose message does not name it. */
  keySet: string;
}

const MAX_CAUSES = 5;

/**
 * Prints a rejected token or an unusable key set: `CODE: message` on standard error, then for
 * JWKS errors where they came from and why (`cause: ...`), one line each; exit 1 for a token, 2
 * when the keys could not be had.
 */
export async function reportFailure(
  failure: PicketValidationError,
  io: CliIo,
  options: ReportOptions,
): Promise<ExitStatus> {
  const keysFailed = failure.status === 503;
  const where =
    keysFailed && !failure.message.includes(options.keySet) ? ` (${options.keySet})` : "";
  let text = `${failure.code}: ${escapeControl(failure.message + where)}\n`;
  const cause = describeCause(failure.cause);
  if (cause !== "") text += `  cause: ${escapeControl(cause)}\n`;
  await io.stderr(text);
  if (options.json) await io.stdout(toSafeJson({ error: failure.code, message: failure.message }));
  return keysFailed ? EXIT.usage : EXIT.invalid;
}

/**
 * A cause chain on one line, outermost first: `fetch failed: connect ECONNREFUSED 127.0.0.1:1`.
 * Empty when there is no cause.
 */
export function describeCause(cause: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current = cause;
  while (current !== undefined && current !== null && !seen.has(current)) {
    if (parts.length === MAX_CAUSES) break;
    seen.add(current);
    parts.push(describeOne(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.filter((part) => part !== "").join(": ");
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== "") return error.message;
  // Node's AggregateError for a host with several addresses has no message of its own.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return inner.map(describeOne).join("; ");
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === "string" ? code : error.name;
}
