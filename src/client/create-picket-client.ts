import { isSecureUrl } from "../shared/secure-url.js";
import { PICKET_API_URL } from "./constants.js";
import { type ApiCall, resolveTimeout, sendRequest, type Transport } from "./send-request.js";
import { toWireRequirements } from "./to-wire-requirements.js";
import type {
  AuthRequest,
  AuthResponse,
  AuthzRequest,
  NonceRequest,
  NonceResponse,
  PicketClientOptions,
  RequestOptions,
  TokenOwnershipRequest,
  TokenOwnershipResponse,
  ValidateRequest,
  ValidateResponse,
} from "./types.js";

/**
 * A typed client of Picket's API, for the calls that need Picket itself. Every call rejects with
 * a {@link PicketApiError} when Picket answers non-2xx or not at all.
 */
export interface PicketClient {
  /** `POST /auth/nonce`: the nonce a wallet must sign, for your own wallet-login flow. */
  nonce(request: NonceRequest, options?: RequestOptions): Promise<NonceResponse>;
  /** `POST /auth`: exchanges a signed nonce for an access token (login, server-side). */
  auth(request: AuthRequest, options?: RequestOptions): Promise<AuthResponse>;
  /** `POST /authz`: a new access token for an authenticated user who meets the requirements. */
  authz(request: AuthzRequest, options?: RequestOptions): Promise<AuthResponse>;
  /**
   * `POST /auth/validate`: Picket checks a token remotely and returns its claims. The validator
   * does this offline; this call is for comparing the two.
   */
  validate(request: ValidateRequest, options?: RequestOptions): Promise<ValidateResponse>;
  /**
   * `POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership`: whether a wallet meets the
   * requirements now, without any access token.
   */
  tokenOwnership(
    request: TokenOwnershipRequest,
    options?: RequestOptions,
  ): Promise<TokenOwnershipResponse>;
}

/**
 * Creates a client of Picket's API. Throws a `TypeError` at once for bad options. The secret key
 * is kept in a closure: the client object, its `inspect` output and its JSON do not hold it.
 *
 * @example
 * ```ts
 * import { createPicketClient } from "picket-validate/client";
 *
 * const picket = createPicketClient({ secretKey: process.env.PICKET_SECRET_KEY! });
 * const { nonce, statement } = await picket.nonce({ chain: "ethereum", walletAddress });
 * // …the wallet signs the message built from the nonce…
 * const { accessToken, user } = await picket.auth({ chain: "ethereum", walletAddress, signature });
 * ```
 */
export function createPicketClient(options: PicketClientOptions): PicketClient {
  const transport = resolveTransport(options);
  const call = (request: ApiCall): Promise<unknown> => sendRequest(transport, request);

  return {
    async nonce(request, callOptions) {
      const { chain, walletAddress, locale } = request;
      requireString(chain, "chain");
      requireString(walletAddress, "walletAddress");
      return (await call({
        path: "/auth/nonce",
        endpoint: "POST /auth/nonce",
        body: { chain, walletAddress, locale },
        options: callOptions,
        accept: (value) => isRecord(value) && typeof value.nonce === "string",
        expected: "a nonce",
      })) as NonceResponse;
    },
    async auth(request, callOptions) {
      const { chain, walletAddress, signature, requirements, context } = request;
      requireString(chain, "chain");
      requireString(walletAddress, "walletAddress");
      requireString(signature, "signature");
      return (await call({
        path: "/auth",
        endpoint: "POST /auth",
        body: {
          chain,
          walletAddress,
          signature,
          requirements: requirements === undefined ? undefined : toWireRequirements(requirements),
          context,
        },
        options: callOptions,
        accept: isAuthResponse,
        expected: "an access token and a user",
      })) as AuthResponse;
    },
    async authz(request, callOptions) {
      const { accessToken, requirements, revalidate } = request;
      requireString(accessToken, "accessToken");
      requireRecord(requirements, "requirements");
      return (await call({
        path: "/authz",
        endpoint: "POST /authz",
        body: { accessToken, requirements: toWireRequirements(requirements), revalidate },
        options: callOptions,
        accept: isAuthResponse,
        expected: "an access token and a user",
      })) as AuthResponse;
    },
    async validate(request, callOptions) {
      const { accessToken, requirements } = request;
      requireString(accessToken, "accessToken");
      return (await call({
        path: "/auth/validate",
        endpoint: "POST /auth/validate",
        body: {
          accessToken,
          requirements: requirements === undefined ? undefined : toWireRequirements(requirements),
        },
        options: callOptions,
        accept: isRecord,
        expected: "the token's claims",
      })) as ValidateResponse;
    },
    async tokenOwnership(request, callOptions) {
      const { chain, walletAddress, requirements } = request;
      requireString(chain, "chain");
      requireString(walletAddress, "walletAddress");
      requireRecord(requirements, "requirements");
      return (await call({
        path: `/chains/${encodeURIComponent(chain)}/wallets/${encodeURIComponent(walletAddress)}/tokenOwnership`,
        endpoint: "POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership",
        body: toWireRequirements(requirements),
        options: callOptions,
        accept: (value) => isRecord(value) && typeof value.allowed === "boolean",
        expected: "an ownership verdict",
      })) as TokenOwnershipResponse;
    },
  };
}

function resolveTransport(options: PicketClientOptions): Transport {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createPicketClient needs an options object with a secretKey");
  }
  // The messages below never quote the key: a TypeError is as likely to be logged as any error.
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
  const timeout = resolveTimeout(options.timeout, 10_000);
  const encoded = base64(`${secretKey}:`);
  // Picket's JavaScript SDK encodes the key without the colon: blank that form out as well.
  const needles = [secretKey, encoded, base64(secretKey), encodeURIComponent(secretKey)];
  return {
    fetch: fetchImpl,
    baseUrl: resolveBaseUrl(options.baseUrl ?? PICKET_API_URL),
    timeout,
    authorization: `Basic ${encoded}`,
    redact: (text) =>
      needles.reduce((result, needle) => result.split(needle).join("[redacted]"), text),
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
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new TypeError("options.baseUrl cannot carry credentials, a query or a fragment");
  }
  return url.href.replace(/\/+$/, "");
}

/** Standard base64 of the UTF-8 bytes, with platform APIs only (no Node `Buffer`). */
function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
}

function requireRecord(value: unknown, name: string): void {
  if (!isRecord(value)) throw new TypeError(`${name} must be an object`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAuthResponse(value: unknown): boolean {
  return isRecord(value) && typeof value.accessToken === "string" && isRecord(value.user);
}
