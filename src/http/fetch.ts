import type { Validator } from "../create-validator.js";
import { isPicketValidationError } from "../errors.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import {
  authenticateHeader,
  FRESH_TOKEN_HEADER,
  type PicketAuthOptions,
} from "./authenticate-header.js";
import { errorResponse } from "./error-response.js";

export type { PicketAuthOptions } from "./authenticate-header.js";

/**
 * Validates the Bearer token of a Web `Request`. Resolves with the verified claims; rejects with
 * a `PicketValidationError`.
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
): Promise<PicketAccessToken> {
  const authenticated = await authenticateHeader(request.headers.get("authorization"), {
    validator,
    ...(requirements === undefined ? {} : { requirements }),
  });
  return (authenticated as { claims: PicketAccessToken }).claims;
}

/** A fetch-style handler that receives the verified token (`undefined` when optional and anonymous). */
export type PicketHandler<Args extends unknown[]> = (
  request: Request,
  picket: PicketAccessToken | undefined,
  ...args: Args
) => Response | Promise<Response>;

/** The JSON error `Response` for a validation error: 401, 403 or 503 with `WWW-Authenticate`. */
export function picketErrorResponse(error: unknown): Response {
  if (!isPicketValidationError(error)) throw error;
  const answer = errorResponse(error);
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: answer.headers,
  });
}

/**
 * Wraps a fetch-style handler (Hono, Next.js route handlers, Workers, Bun, Deno): the handler
 * runs only for a valid token and gets its claims; failures answer 401, 403 or 503 as JSON.
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
  if (typeof options?.validator?.validate !== "function") {
    throw new TypeError("withPicket needs { validator }");
  }
  return async (request, ...args) => {
    let authenticated: Awaited<ReturnType<typeof authenticateHeader>>;
    try {
      authenticated = await authenticateHeader(request.headers.get("authorization"), options);
    } catch (error) {
      return picketErrorResponse(error);
    }
    const response = await handler(request, authenticated?.claims, ...args);
    const freshToken = authenticated?.freshToken;
    return freshToken === undefined
      ? response
      : withHeader(response, FRESH_TOKEN_HEADER, freshToken);
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
