import { PicketValidationError } from "../errors.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import { type AdapterOptions, FRESH_TOKEN_HEADER } from "./adapter-options.js";
import {
  type ErrorResponse,
  errorResponse,
  isAnswerable,
  publicMessage,
} from "./error-response.js";
import { guard, guardSettings } from "./route-guard.js";
import { checkCallRequirements } from "./route-requirements.js";

/** Options of {@link withPicket}; `getToken` and `onError` receive the Web `Request`. */
export type PicketAuthOptions = AdapterOptions<Request>;

/** The hooks and client {@link authenticate} also takes. */
export type AuthenticateOptions = Pick<PicketAuthOptions, "getToken" | "onError" | "revalidate">;

export type { PicketRefusal, TokenValue } from "./adapter-options.js";

const AUTHENTICATE_OPTION_KEYS: readonly (keyof AuthenticateOptions)[] = [
  "getToken",
  "onError",
  "revalidate",
];

// Where the adapter options that authenticate does not take go instead.
const AUTHENTICATE_ELSEWHERE = {
  validator: "the validator is authenticate's second argument",
  requirements:
    "requirements are authenticate's third argument: authenticate(request, validator, requirements, options)",
  optional:
    "authenticate has no optional mode: it rejects a request without a token with ERR_TOKEN_MISSING, which you may catch",
};

const readAuthorization = (request: Request): string | null => request.headers.get("authorization");

/**
 * Validates the Bearer token of a Web `Request` (or the one `options.getToken` reads). Resolves
 * with the verified claims; rejects with a `PicketValidationError` whose `code`, `status` and
 * `failures` say why and whose `message` is the fixed public text the adapters answer with, so
 * that it is safe to send on (the validator's own error, with its detail, is the `cause`).
 * Malformed requirements and an unknown option reject with a `TypeError`, whatever the request.
 *
 * @example
 * ```ts
 * const user = await authenticate(request, validator, { minTokenBalance: 1, contractAddress });
 * ```
 */
export async function authenticate(
  request: Request,
  validator: Validator,
  requirements?: Requirements,
  options: AuthenticateOptions = {},
): Promise<PicketAccessToken> {
  if (typeof options === "object" && options !== null) {
    refuseUnknownKeys(
      options,
      AUTHENTICATE_OPTION_KEYS,
      "authenticate",
      "",
      AUTHENTICATE_ELSEWHERE,
    );
  }
  const settings = guardSettings<Request>(
    "authenticate",
    // `optional` is not for authenticate: it resolves with claims or rejects.
    { ...options, validator, optional: false },
    readAuthorization,
    checkCallRequirements("authenticate", requirements, validator ?? {}),
  );
  const outcome = await guard(settings, request);
  if (!outcome.ok) {
    const { error } = outcome;
    throw new PicketValidationError(error.code, publicMessage(error.code), {
      failures: error.failures,
      cause: error,
    });
  }
  return outcome.claims as PicketAccessToken;
}

/** A fetch-style handler that receives the verified token (`undefined` when optional and anonymous). */
export type PicketHandler<Args extends unknown[]> = (
  request: Request,
  picket: PicketAccessToken | undefined,
  ...args: Args
) => Response | Promise<Response>;

/**
 * The JSON error `Response` for a validation error: 401, 403 or 503 with `WWW-Authenticate`.
 * Anything else, an error that only looks like a validation error included, is thrown again.
 */
export function picketErrorResponse(error: unknown): Response {
  if (!isAnswerable(error)) throw error;
  return toResponse(errorResponse(error));
}

function toResponse(answer: ErrorResponse): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: answer.headers,
  });
}

/**
 * Wraps a handler that takes a Web `Request` (Next.js route handlers and middleware, Workers,
 * Bun, Deno): the handler runs only for a valid token and gets its claims; failures answer 401,
 * 403 or 503 as JSON. Throws a `TypeError` at once for a missing validator or malformed
 * requirements. For Hono, whose handlers take a `Context`, use `picket-validate/hono`.
 *
 * @example
 * ```ts
 * export const GET = withPicket((request, picket) => Response.json(picket), { validator });
 * ```
 */
export function withPicket<Args extends unknown[]>(
  handler: PicketHandler<Args>,
  options: PicketAuthOptions,
): (request: Request, ...args: Args) => Promise<Response> {
  const settings = guardSettings<Request>("withPicket", options, readAuthorization);
  return async (request, ...args) => {
    const outcome = await guard(settings, request);
    if (!outcome.ok) return toResponse(outcome.answer);
    const response = await handler(request, outcome.claims, ...args);
    return outcome.freshToken === undefined
      ? response
      : withHeader(response, FRESH_TOKEN_HEADER, outcome.freshToken);
  };
}

/** Adds a header, copying the response when its headers are immutable (as fetch's own are). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}
