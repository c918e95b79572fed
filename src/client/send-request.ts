import { parseJsonSafely } from "../shared/parse-json-safely.js";
import { PicketApiError, type PicketApiErrorCode } from "./picket-api-error.js";
import type { RequestOptions } from "./types.js";

/** What every call of one client shares. The secret lives only in `authorization` and `redact`. */
export interface Transport {
  fetch: typeof globalThis.fetch;
  /** The API base, without a trailing slash. */
  baseUrl: string;
  timeout: number;
  /** The whole `Authorization` header value. */
  authorization: string;
  /** Blanks out the secret key, in any form it could be echoed back in. */
  redact: (text: string) => string;
}

/** One call to Picket's API. */
export interface ApiCall {
  /** The path under the API base, path parameters already encoded. */
  path: string;
  /** The call as errors name it, path parameters as placeholders: `POST /authz`. */
  endpoint: string;
  body: unknown;
  options: RequestOptions | undefined;
  /** Whether a 2xx body has the shape the call promises. */
  accept: (value: unknown) => boolean;
  /** What `accept` looks for, for the error message. */
  expected: string;
}

/**
 * POSTs one JSON request and returns the parsed JSON of a 2xx answer. Every failure is a
 * {@link PicketApiError}; the timeout covers the body as well as the headers.
 */
export async function sendRequest(transport: Transport, call: ApiCall): Promise<unknown> {
  const timeout = resolveTimeout(call.options?.timeout, transport.timeout);
  const signal = call.options?.signal;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let response: Response;
    let text: string;
    try {
      // Called unbound: a platform fetch called as a method of another object throws
      // "Illegal invocation" in browsers and Workers.
      const fetchImpl = transport.fetch;
      response = await fetchImpl(`${transport.baseUrl}${call.path}`, {
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/json",
          authorization: transport.authorization,
        },
        body: JSON.stringify(call.body),
        signal: controller.signal,
        // A redirect would replay the credentials or turn the POST into a GET: neither is wanted.
        redirect: "manual",
      });
      text = await response.text();
    } catch (cause) {
      if (timedOut) {
        throw noAnswer(call, "timeout", `Picket did not answer within ${timeout} ms`, cause);
      }
      if (signal?.aborted) throw noAnswer(call, "aborted", "The call was aborted", signal.reason);
      throw noAnswer(call, "network_error", `Picket could not be reached${reasonOf(cause)}`, cause);
    }
    if (response.status < 200 || response.status > 299) {
      throw httpError(call, response, text, transport.redact);
    }
    const value = parseOrUndefined(text);
    if (!call.accept(value)) {
      const msg = `Picket's answer is not ${call.expected}`;
      throw new PicketApiError(`${call.endpoint} failed: ${msg}`, {
        status: response.status,
        code: "invalid_response",
        msg,
        endpoint: call.endpoint,
      });
    }
    return value;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** A timeout in milliseconds, `fallback` when none is given; a `TypeError` unless finite and > 0. */
export function resolveTimeout(given: unknown, fallback: number): number {
  if (given === undefined) return fallback;
  if (typeof given !== "number" || !Number.isFinite(given) || given <= 0) {
    throw new TypeError("options.timeout must be a finite number of milliseconds > 0");
  }
  return given;
}

function noAnswer(
  call: ApiCall,
  code: PicketApiErrorCode,
  msg: string,
  cause: unknown,
): PicketApiError {
  return new PicketApiError(`${call.endpoint} failed: ${msg}`, {
    status: 0,
    code,
    msg,
    endpoint: call.endpoint,
    cause,
  });
}

/** The system error code under fetch's generic "fetch failed", such as ECONNREFUSED. */
function reasonOf(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === "string" ? ` (${code})` : "";
}

function httpError(
  call: ApiCall,
  response: Response,
  text: string,
  redact: (text: string) => string,
): PicketApiError {
  const body = parseOrUndefined(text) as { code?: unknown; msg?: unknown } | undefined;
  const fromBody = typeof body === "object" && body !== null;
  const code = fromBody && typeof body.code === "string" ? redact(body.code) : undefined;
  // A body that is not Picket's JSON (a proxy's HTML page) is left out: it is no message, and
  // it could echo the request's headers.
  const msg = redact(
    fromBody && typeof body.msg === "string" ? body.msg : fallbackMessage(response),
  );
  return new PicketApiError(
    `${call.endpoint} failed with ${response.status}${code === undefined ? "" : ` ${code}`}: ${msg}`,
    { status: response.status, code, msg, endpoint: call.endpoint },
  );
}

function fallbackMessage(response: Response): string {
  if (response.status >= 300 && response.status < 400) {
    return "Picket answered with a redirect, which is not followed";
  }
  const text = response.statusText === "" ? "" : ` ${response.statusText}`;
  return `Picket answered ${response.status}${text}`;
}

function parseOrUndefined(text: string): unknown {
  try {
    return parseJsonSafely(text);
  } catch {
    // The caller reports a body that is not JSON in its own terms; the parser's message would
    // quote the body.
    return undefined;
  }
}
