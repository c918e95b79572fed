import { isSecureUrl } from "../shared/secure-url.js";
import { PICKET_API_URL } from "./constants.js";
import { createRedactor, toBase64 } from "./redact-secret.js";
import { resolveTimeout, type Transport } from "./send-request.js";
import type { PicketClientOptions } from "./types.js";

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/**
 * Checks a client's options and builds what its calls share. Throws a `TypeError` for bad
 * options; the messages never quote the key, as a TypeError is as likely to be logged as any
 * error.
 */
export function resolveTransport(options: PicketClientOptions): Transport {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createPicketClient needs an options object with a secretKey");
  }
  const { secretKey } = options;
  if (typeof secretKey !== "string" || secretKey.length === 0) {
    throw new TypeError("options.secretKey must be the project's secret API key (a string)");
  }
  if (secretKey.trim() !== secretKey) {
    throw new TypeError("options.secretKey has leading or trailing whitespace");
  }
  if (secretKey.includes(":")) {
    throw new TypeError("options.secretKey cannot contain ':' (it is the Basic-auth user name)");
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new TypeError("options.fetch must be a function (no global fetch was found)");
  }
  return {
    fetch: fetchImpl,
    baseUrl: resolveBaseUrl(options.baseUrl ?? PICKET_API_URL),
    timeout: resolveTimeout(options.timeout, DEFAULT_TIMEOUT),
    maxResponseBytes: resolveMaxResponseBytes(options.maxResponseBytes),
    authorization: `Basic ${toBase64(`${secretKey}:`)}`,
    redact: createRedactor(secretKey),
    clock: resolveFunction(options.clock, "clock") ?? Date.now,
    onEvent: resolveFunction(options.onEvent, "onEvent"),
  };
}

function resolveBaseUrl(baseUrl: unknown): string {
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError("options.baseUrl must be an absolute URL");
  }
  if (!isSecureUrl(url)) {
    // The secret key rides on every request: it must not cross the network in the clear.
    throw new TypeError("options.baseUrl must use https: (http: only for loopback hosts)");
  }
  // A bare `?` or `#` leaves `search` and `hash` empty but stays in `href`, where every path
  // joined after it would become the query or the fragment of the base itself.
  if (url.username !== "" || url.password !== "" || /[?#]/.test(url.href)) {
    throw new TypeError("options.baseUrl cannot carry credentials, a query or a fragment");
  }
  return url.href.replace(/\/+$/, "");
}

function resolveMaxResponseBytes(given: unknown): number {
  if (given === undefined) return DEFAULT_MAX_RESPONSE_BYTES;
  if (typeof given !== "number" || !Number.isSafeInteger(given) || given <= 0) {
    throw new TypeError("options.maxResponseBytes must be a whole number of bytes > 0");
  }
  return given;
}

function resolveFunction<F>(given: F | undefined, name: string): F | undefined {
  if (given !== undefined && typeof given !== "function") {
    throw new TypeError(`options.${name} must be a function`);
  }
  return given;
}
