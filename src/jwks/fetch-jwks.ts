import { PicketValidationError } from "../errors.js";
import { parseJsonSafely } from "../shared/parse-json-safely.js";
import { isSecureUrl } from "../shared/secure-url.js";

/** Limits of one JWKS fetch (and of the discovery document read to find a moved key set). */
export interface FetchJwksOptions {
  fetch: typeof globalThis.fetch;
  timeout: number;
  maxBytes: number;
}

/**
 * Fetches and parses a JWKS document: one request, no redirects, `200` with a JSON body only,
 * the body counted while it streams and cut off past `maxBytes`, the whole exchange bounded by
 * `timeout`. Throws `ERR_JWKS_UNAVAILABLE` when the endpoint cannot be reached or answers
 * otherwise, `ERR_JWKS_INVALID` when its answer is not JSON of a sane size.
 */
export function fetchJwks(uri: string, options: FetchJwksOptions): Promise<unknown> {
  return fetchJsonDocument(uri, options, "JWKS");
}

/**
 * Reads the key set's address, `jwks_uri`, from an OpenID Connect configuration document, under
 * the limits of a JWKS fetch. The address must be `https:` (`http:` only for loopback hosts, as
 * for `jwksUri`). Throws `ERR_JWKS_UNAVAILABLE` when the document cannot be fetched,
 * `ERR_JWKS_INVALID` when it names no such address.
 */
export async function discoverJwksUri(
  configurationUri: string,
  options: FetchJwksOptions,
): Promise<string> {
  const document = await fetchJsonDocument(configurationUri, options, "OpenID configuration");
  const named =
    typeof document === "object" && document !== null
      ? (document as { jwks_uri?: unknown }).jwks_uri
      : undefined;
  const url = typeof named === "string" ? absoluteUrl(named) : undefined;
  if (url === undefined || !isSecureUrl(url)) {
    throw new PicketValidationError(
      "ERR_JWKS_INVALID",
      `The OpenID configuration at ${configurationUri} names no https: jwks_uri`,
    );
  }
  return url.href;
}

function absoluteUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * {@link fetchJwks} for another JSON document on the way to the keys (an OpenID Connect
 * configuration), under the same limits; `what` names it in error messages.
 */
async function fetchJsonDocument(
  uri: string,
  options: FetchJwksOptions,
  what: string,
): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeout);
  timer.unref?.();
  try {
    const response = await request(uri, what, options.fetch, controller.signal, options.timeout);
    const body = await readBody(uri, what, response, options, controller.signal);
    try {
      return parseJsonSafely(body);
    } catch (cause) {
      throw new PicketValidationError(
        "ERR_JWKS_INVALID",
        `The ${what} response of ${uri} is not JSON`,
        {
          cause,
        },
      );
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a fetch failed because the endpoint answered `404`: the document is not (or no longer) there. */
export function answeredNotFound(error: PicketValidationError): boolean {
  return error.cause instanceof UnexpectedStatus && error.cause.status === 404;
}

/** The `cause` of an `ERR_JWKS_UNAVAILABLE` for an answer other than `200`: the status it had. */
class UnexpectedStatus extends Error {
  override name = "UnexpectedStatus" as const;
  readonly status: number;

  constructor(status: number) {
    super(`HTTP status ${status}`);
    this.status = status;
  }
}

async function request(
  uri: string,
  what: string,
  fetchImpl: typeof globalThis.fetch,
  signal: AbortSignal,
  timeout: number,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(uri, {
      signal,
      redirect: "manual",
      headers: { accept: "application/json, application/jwk-set+json" },
    });
  } catch (cause) {
    throw unavailable(
      uri,
      what,
      signal,
      timeout,
      `The ${what} at ${uri} could not be fetched`,
      cause,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    const detail =
      response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
    throw new PicketValidationError(
      "ERR_JWKS_UNAVAILABLE",
      `The ${what} endpoint ${uri} answered ${response.status}${detail}`,
      { cause: new UnexpectedStatus(response.status) },
    );
  }
  const type = response.headers.get("content-type");
  if (type !== null && !/\bjson\b|\+json\b/i.test(type)) {
    await response.body?.cancel().catch(() => undefined);
    throw new PicketValidationError(
      "ERR_JWKS_INVALID",
      `The ${what} response of ${uri} is ${type}, not JSON`,
    );
  }
  return response;
}

async function readBody(
  uri: string,
  what: string,
  response: Response,
  { maxBytes, timeout }: FetchJwksOptions,
  signal: AbortSignal,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(uri, what, maxBytes);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(uri, what, maxBytes);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof PicketValidationError) throw cause;
    throw unavailable(
      uri,
      what,
      signal,
      timeout,
      `The ${what} response of ${uri} could not be read`,
      cause,
    );
  }
  return concatText(chunks);
}

function tooLarge(uri: string, what: string, maxBytes: number): PicketValidationError {
  return new PicketValidationError(
    "ERR_JWKS_INVALID",
    `The ${what} response of ${uri} is larger than maxBytes (${maxBytes} bytes)`,
  );
}

function unavailable(
  uri: string,
  what: string,
  signal: AbortSignal,
  timeout: number,
  otherwise: string,
  cause: unknown,
): PicketValidationError {
  const message = signal.aborted
    ? `The ${what} endpoint ${uri} did not answer within ${timeout} ms`
    : otherwise;
  return new PicketValidationError("ERR_JWKS_UNAVAILABLE", message, { cause });
}

/** The UTF-8 text of the body's chunks, with platform APIs only (no Node `Buffer`). */
function concatText(chunks: readonly Uint8Array[]): string {
  const decoder = new TextDecoder();
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
