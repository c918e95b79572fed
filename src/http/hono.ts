import type { Context, MiddlewareHandler } from "hono";
import type { PicketAccessToken } from "../types.js";
import { type AdapterOptions, FRESH_TOKEN_HEADER } from "./adapter-options.js";
import { guard, guardSettings } from "./route-guard.js";

/**
 * The variables {@link picketAuth} sets: `c.var.picket` (also `c.get("picket")`), the verified
 * token's claims.
 */
export interface PicketVariables {
  picket: PicketAccessToken;
}

/**
 * Hono's environment for routes behind {@link picketAuth}: `new Hono<PicketEnv>()` types
 * `c.var.picket` as a `PicketAccessToken`. Declare it only for routes the middleware guards;
 * elsewhere `picket` is not set.
 */
export interface PicketEnv {
  Variables: PicketVariables;
}

/** The environment of routes behind `picketAuth({ optional: true })`: `picket` may be absent. */
export interface PicketOptionalEnv {
  Variables: { picket: PicketAccessToken | undefined };
}

/** Options of {@link picketAuth}; `getToken` and `onError` receive Hono's `Context`. */
export type PicketAuthOptions = AdapterOptions<Context>;

export type { PicketRefusal, TokenValue } from "./adapter-options.js";

/**
 * Hono middleware: validates the `Authorization: Bearer` token (or the one `getToken` reads)
 * and sets `c.var.picket`; answers 401, 403 or 503 with `{ error, message }` and an RFC 6750
 * challenge otherwise. Errors that are not validation errors are thrown, for `app.onError`.
 * Throws a `TypeError` at once for a missing validator or malformed requirements. Imports
 * nothing from Node: it runs wherever Hono does.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { picketAuth } from "picket-validate/hono";
 *
 * const app = new Hono();
 * app.get("/me", picketAuth({ validator }), (c) => c.json({ wallet: c.var.picket.walletAddress }));
 * app.get("/vip", picketAuth({ validator, requirements: { contractAddress, minTokenBalance: 1 } }), vip);
 * ```
 */
export function picketAuth(
  options: PicketAuthOptions & { optional: true },
): MiddlewareHandler<PicketOptionalEnv>;
export function picketAuth(options: PicketAuthOptions): MiddlewareHandler<PicketEnv>;
export function picketAuth(options: PicketAuthOptions): MiddlewareHandler {
  const settings = guardSettings<Context>("picketAuth", options, (c) =>
    c.req.header("authorization"),
  );
  return async (c, next) => {
    const outcome = await guard(settings, c);
    if (!outcome.ok) {
      const { answer } = outcome;
      return c.body(JSON.stringify(answer.body), answer.status, answer.headers);
    }
    if (outcome.claims !== undefined) c.set("picket", outcome.claims);
    await next();
    // After the handler: Hono copies a finalized response to set a header on it.
    if (outcome.freshToken !== undefined) c.header(FRESH_TOKEN_HEADER, outcome.freshToken);
    return undefined;
  };
}
