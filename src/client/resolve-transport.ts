import { checkDurationRange, parseDuration } from "../shared/parse-duration.js";
import { isSecureUrl } from "../shared/secure-url.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import { PICKET_API_URL } from "./constants.js";
import { createRedactor, toBase64 } from "./redact-secret.js";
import { resolveTimeout, type Transport } from "./send-request.js";
import type { PicketClientOptions } from "./types.js";

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;
/** Under 100 ms no call to Picket completes: such a timeout is seconds mistaken for milliseconds. */
const MIN_TIMEOUT = 100;

/** The keys of {@link PicketClientOptions}: any other is refused. */
export const CLIENT_OPTION_KEYS: readonly (keyof PicketClientOptions)[] = [
  "secretKey",
  "baseUrl",
  "fetch",
  "timeout",
  "maxResponseBytes",
  "revalidateCooldown",
  "clock",
  "onEvent",
];

/**
 * Checks a client's options and builds what its calls share. Throws a `TypeError` for bad
 * options, an unknown key first (`baseURL` ignored would send the key to picketapi.com); the
 * messages never quote the key, as a TypeError is as likely to be logged as any error.
 */
export function resolveTransport(options: PicketClientOptions): Transport {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createPicketClient needs an options object with a secretKey");
  }
  refuseUnknownKeys(options, CLIENT_OPTION_KEYS, "createPicketClient");
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
    timeout: resolveClientTimeout(options.timeout),
    maxResponseBytes: resolveMaxResponseBytes(options.maxResponseBytes),
    authorization: `Basic ${toBase64(`${secretKey}:`)}`,
    redact: createRedactor(secretKey),
    clock: resolveFunction(options.clock, "clock") ?? Date.now,
    onEvent: resolveFunction(options.onEvent, "onEvent"),
  };
}

function resolveClientTimeout(given: unknown): number {
  if (given !== undefined) {
    const milliseconds = parseDuration(given, "milliseconds", "timeout");
    checkDurationRange(
      milliseconds,
      { name: "timeout", unit: "milliseconds", min: MIN_TIMEOUT, owner: "createPicketClient" },
      given,
    );
  }
  return resolveTimeout(given, DEFAULT_TIMEOUT);
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
