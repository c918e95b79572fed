import { callHook } from "../shared/call-hook.js";
import { parseDuration } from "../shared/parse-duration.js";
import { parseJsonSafely } from "../shared/parse-json-safely.js";
import { isPicketApiError, PicketApiError, type PicketApiErrorCode } from "./picket-api-error.js";
import { readBoundedText } from "./read-bounded-text.js";
import { type Redact, redactCause } from "./redact-secret.js";
import type { PicketClientEvent, RequestOptions } from "./types.js";

/** What every call of one client shares. The secret lives only in `authorization` and `redact`. */
export interface Transport {
  fetch: typeof globalThis.fetch;
  /** The API base, without a trailing slash. */
  baseUrl: string;
  timeout: number;
  /** Bytes an answer's body may have. */
  maxResponseBytes: number;
  /** The whole `Authorization` header value. */
  authorization: string;
  /** Blanks out the secret key, in any form it could be echoed back in. */
  redact: Redact;
  clock: () => number;
  onEvent: ((event: PicketClientEvent) => void) | undefined;
}

/** One call to Picket's API. */
export interface ApiCall {
  method: "GET" | "POST";
  /** The path under the API base, path parameters already encoded. */
  path: string;
  /** The call as errors name it, path parameters as placeholders: `POST /authz`. */
  endpoint: string;
  /** The JSON body of a `POST`. */
  body?: unknown;
  options: RequestOptions | undefined;
  /** Whether a 2xx body has the shape the call promises. */
  accept: (value: unknown) => boolean;
  /** What `accept` looks for, for the error message. */
  expected: string;
}

/**
 * Sends one request and returns the parsed JSON of a 2xx answer. Every failure is a
 * {@link PicketApiError}, reported to `onEvent` as well; the timeout covers the body as well as
 * the headers, and the body is read up to `maxResponseBytes` only.
 */
export async function sendRequest(transport: Transport, call: ApiCall): Promise<unknown> {
  const started = transport.clock();
  try {
    return await exchange(transport, call);
  } catch (error) {
    if (isPicketApiError(error)) {
      callHook(transport.onEvent, {
        type: "picket_api_failure",
        endpoint: error.endpoint,
        status: error.status,
        code: error.code,
        durationMs: transport.clock() - started,
      });
    }
    throw error;
  }
}

async function exchange(transport: Transport, call: ApiCall): Promise<unknown> {
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
    let text: string | undefined;
    try {
      response = await send(transport, call, controller.signal);
      text = await readBoundedText(response, transport.maxResponseBytes);
    } catch (cause) {
      throw unanswered(call, cause, { timedOut, timeout, signal, redact: transport.redact });
    }
    if (text === undefined) {
      // Whatever is left of the body is not wanted: drop the connection rather than drain it.
      controller.abort();
      throw tooLarge(call, response.status, transport.maxResponseBytes);
    }
    if (response.status < 200 || response.status > 299) {
      throw httpError(call, response, text, transport);
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

function send(transport: Transport, call: ApiCall, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = {
    accept: "application/json",
    authorization: transport.authorization,
  };
  if (call.method === "POST") headers["content-type"] = "application/json";
  // Called unbound: a platform fetch called as a method of another object throws
  // "Illegal invocation" in browsers and Workers.
  const fetchImpl = transport.fetch;
  return fetchImpl(`${transport.baseUrl}${call.path}`, {
    method: call.method,
    headers,
    ...(call.method === "POST" ? { body: JSON.stringify(call.body) } : {}),
    signal,
    // A redirect would replay the credentials or turn the POST into a GET: neither is wanted.
    redirect: "manual",
  });
}

/** A timeout in milliseconds, `fallback` when none is given; a `TypeError` unless finite and > 0. */
export function resolveTimeout(given: unknown, fallback: number): number {
  if (given === undefined) return fallback;
  const timeout = parseDuration(given, "milliseconds", "timeout");
  if (timeout <= 0) {
    throw new TypeError("options.timeout must be more than 0 milliseconds");
  }
  return timeout;
}

/** Why a call got no usable answer: the timeout, the caller's signal, or the network. */
function unanswered(
  call: ApiCall,
  cause: unknown,
  context: { timedOut: boolean; timeout: number; signal: AbortSignal | undefined; redact: Redact },
): PicketApiError {
  const { timedOut, timeout, signal, redact } = context;
  if (timedOut) {
    return noAnswer(
      call,
      "timeout",
      `Picket did not answer within ${timeout} ms`,
      redactCause(cause, redact),
    );
  }
  if (signal?.aborted) {
    return noAnswer(call, "aborted", "The call was aborted", redactCause(signal.reason, redact));
  }
  const msg = `Picket could not be reached${reasonOf(cause)}`;
  return noAnswer(call, "network_error", msg, redactCause(cause, redact));
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
  { redact, clock }: Pick<Transport, "redact" | "clock">,
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
    {
      status: response.status,
      code,
      msg,
      endpoint: call.endpoint,
      retryAfter: retryAfterOf(response.headers.get("retry-after"), clock),
    },
  );
}

/** `Retry-After` in milliseconds from now: delay-seconds or an HTTP date; else `undefined`. */
function retryAfterOf(header: string | null, clock: () => number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - clock());
}

function tooLarge(call: ApiCall, status: number, maxBytes: number): PicketApiError {
  const msg = `Picket's answer is larger than maxResponseBytes (${maxBytes} bytes)`;
  return new PicketApiError(`${call.endpoint} failed: ${msg}`, {
    status,
    code: "response_too_large",
    msg,
    endpoint: call.endpoint,
  });
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
