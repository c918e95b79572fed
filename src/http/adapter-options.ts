import type { PicketClient } from "../client/create-picket-client.js";
import type { PicketApiError } from "../client/picket-api-error.js";
import type { PicketValidationError } from "../errors.js";
import type { Requirements } from "../types.js";
import type { Validator } from "../validator/create-validator.js";

/**
 * What `getToken` may give: the token, or `undefined`, `null` or `""` for a request without
 * credentials (refused with `ERR_TOKEN_MISSING`, or let through with `optional: true`).
 */
export type TokenValue = string | undefined | null;

/**
 * What `onError` is told about a refused request: the {@link PicketValidationError} that was
 * answered, or, when the request was refused because Picket could not be asked to revalidate
 * (a wrong secret key, Picket unreachable or timing out), the {@link PicketApiError} itself.
 */
export type PicketRefusal = PicketValidationError | PicketApiError;

/**
 * Options of every HTTP adapter. `Req` is what the framework hands its handlers: Express's and
 * Fastify's request, a Web `Request`, Hono's `Context`.
 */
export interface AdapterOptions<Req> {
  /** The validator to check tokens with. */
  validator: Validator;
  /**
   * Requirements for the routes behind this adapter. Checked and copied when the route is built:
   * malformed requirements are a `TypeError` then, never an error per request.
   * @default undefined (a valid token is enough)
   */
  requirements?: Requirements;
  /**
   * Lets requests without credentials (no `Authorization` header, or nothing from `getToken`)
   * through unauthenticated; a token that is present but bad is still refused.
   * @default false
   */
  optional?: boolean;
  /**
   * When a token fails only on balances, asks Picket once (through this client) for a fresh
   * token with current balances, and returns it in the `X-Picket-Access-Token` response header.
   * Off by default: without it, no request ever reaches Picket.
   * @default undefined
   */
  revalidate?: PicketClient;
  /**
   * Called once per refused request, with the reason and the framework's request, for logs and
   * metrics. What it returns, throws or rejects with never changes the answer. Not called for
   * requests that pass, nor for errors handed on to the framework (bugs, not refusals). A
   * refusal that comes after the response was sent (a request timeout answered first) is
   * reported here, and nothing more is written.
   * @default undefined
   * @example
   * ```ts
   * onError: (error, req) => {
   *   if (isPicketApiError(error)) log.error({ status: error.status, code: error.code }, "Picket unreachable");
   *   else log.info({ code: error.code, failures: error.failures, path: req.path }, "refused");
   * }
   * ```
   */
  onError?: (error: PicketRefusal, request: Req) => unknown;
  /**
   * Reads the access token from the request, for apps that keep it elsewhere than in the
   * `Authorization` header (a cookie, say). May return a promise. Throwing a
   * `PicketValidationError` refuses the request with it; any other throw goes to the framework.
   * @default the Bearer token of the `Authorization` header
   * @example
   * ```ts
   * getToken: (req) => req.cookies?.picket_token
   * ```
   */
  getToken?: (request: Req) => TokenValue | PromiseLike<TokenValue>;
}

/** The keys of {@link AdapterOptions}: any other is refused when the adapter is built. */
export const ADAPTER_OPTION_KEYS: readonly (keyof AdapterOptions<unknown>)[] = [
  "validator",
  "requirements",
  "optional",
  "revalidate",
  "onError",
  "getToken",
];

/** The response header that carries a fresh token issued by `revalidate`. */
export const FRESH_TOKEN_HEADER = "x-picket-access-token";
