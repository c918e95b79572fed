/**
 * The code of a {@link PicketApiError}: Picket's own (`api_key_invalid`, `parameter_invalid`,
 * `permission_denied`, `resource_not_found`, …) or one of the client's for calls that got no
 * usable answer.
 */
export type PicketApiErrorCode =
  /** No answer within the timeout (status 0). */
  | "timeout"
  /** Picket could not be reached: DNS, refused connection, TLS, reset (status 0). */
  | "network_error"
  /** The caller's `signal` cancelled the call (status 0). */
  | "aborted"
  /** A 2xx answer whose body is not the JSON the call promises. */
  | "invalid_response"
  /** An answer whose body passes the client's `maxResponseBytes`; the connection is dropped. */
  | "response_too_large"
  | (string & {});

/** What a {@link PicketApiError} carries. */
export interface PicketApiErrorOptions {
  /** Picket's HTTP status, or 0 when no answer came. */
  status: number;
  /** Picket's error code, the client's for calls without an answer, or none. */
  code?: PicketApiErrorCode | undefined;
  /** Picket's human-readable message, or the client's account of what went wrong. */
  msg: string;
  /** The call, as `POST /auth/nonce`, with path parameters as placeholders. */
  endpoint: string;
  /** Milliseconds Picket asked to wait before calling again (its `Retry-After` header). */
  retryAfter?: number | undefined;
  /** The underlying error, where one exists. */
  cause?: unknown;
}

/**
 * A call to Picket's API that failed: a non-2xx answer (`status`, and `code` and `msg` from
 * Picket's `{ "code"?, "msg" }` body), or no usable answer at all (`status` 0, code `timeout`,
 * `network_error` or `aborted`, with `cause`). The secret key is never part of it.
 *
 * @example
 * ```ts
 * try {
 *   await picket.nonce({ chain: "ethereum", walletAddress });
 * } catch (error) {
 *   if (isPicketApiError(error) && (error.status === 429 || error.status === 0)) retryLater();
 *   else throw error;
 * }
 * ```
 */
export class PicketApiError extends Error {
  override name = "PicketApiError" as const;
  /** Picket's HTTP status, or 0 when no answer came. */
  readonly status: number;
  /** A machine-readable code, where Picket sent one or the call got no answer. */
  readonly code: PicketApiErrorCode | undefined;
  /** Picket's message (`msg`), or the client's account of the failure. */
  readonly msg: string;
  /** The call that failed, as `POST /authz`. */
  readonly endpoint: string;
  /**
   * Milliseconds Picket asked to wait before calling again, from the `Retry-After` header of a
   * 429 or 503 (seconds or an HTTP date); `undefined` when it sent none.
   */
  readonly retryAfter: number | undefined;

  constructor(message: string, options: PicketApiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.msg = options.msg;
    this.endpoint = options.endpoint;
    this.retryAfter = options.retryAfter;
  }
}

/**
 * Tells whether a value is a {@link PicketApiError}, also across realms and duplicate installs,
 * by its `name` and fields rather than `instanceof`.
 *
 * @example
 * ```ts
 * const ownership = await picket.tokenOwnership(request).catch((error: unknown) => {
 *   if (isPicketApiError(error) && error.status === 0) return undefined; // Picket unreachable
 *   throw error;
 * });
 * ```
 */
export function isPicketApiError(value: unknown): value is PicketApiError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; status?: unknown; msg?: unknown };
  return (
    candidate.name === "PicketApiError" &&
    typeof candidate.status === "number" &&
    typeof candidate.msg === "string"
  );
}
