import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request } from "express";
import type { PicketAccessToken } from "../types.js";
import { type AdapterOptions, FRESH_TOKEN_HEADER } from "./adapter-options.js";
import { type GuardOutcome, guard, guardSettings } from "./route-guard.js";

declare global {
  namespace Express {
    interface Request {
      /** The verified Picket access token; absent on anonymous requests in `optional` mode. */
      picket?: PicketAccessToken;
    }
  }
}

/** An Express-style request: a Node request that the middleware can add `picket` to. */
export type PicketRequest = IncomingMessage & { picket?: PicketAccessToken };

/** Express middleware that validates the Bearer token. */
export type PicketMiddleware = (
  req: PicketRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** Options of {@link picketAuth}; `getToken` and `onError` receive Express's `req`. */
export type PicketAuthOptions = AdapterOptions<Request>;

export type { PicketRefusal, TokenValue } from "./adapter-options.js";

/**
 * Express middleware: validates the `Authorization: Bearer` token (or the one `getToken`
 * reads), sets `req.picket` and calls `next()`; answers 401, 403 or 503 with
 * `{ error, message }` otherwise. Errors that are not validation errors go to `next(error)`,
 * which Express handles even after the response was sent (it closes the connection). A refusal
 * that comes after the response was sent (a request-timeout middleware answered first) is
 * reported to `onError` and dropped.
 * Throws a `TypeError` at once for a missing validator or malformed requirements.
 *
 * @example
 * ```ts
 * import { picketAuth } from "picket-validate/express";
 *
 * app.get("/me", picketAuth({ validator }), (req, res) => res.json(req.picket));
 * app.get("/vip", picketAuth({ validator, requirements: { contractAddress, minTokenBalance: 1 } }), vip);
 * ```
 */
export function picketAuth(options: PicketAuthOptions): PicketMiddleware {
  const settings = guardSettings<Request>(
    "picketAuth",
    options,
    (req) => req.headers.authorization,
  );
  return (req, res, next) => {
    // Express hands the middleware its own Request, which PicketMiddleware types as a Node one.
    guard(settings, req as Request)
      .then(
        (outcome) => settle(outcome, req, res, next),
        (error: unknown) => next(error),
      )
      // Nothing here may become an unhandled rejection, which ends the process.
      .catch((error: unknown) => next(error));
  };
}

/**
 * Answers a refusal, or lets the request through. Once the response has been sent (by a
 * request-timeout middleware, say) nothing more may be written: a refusal, already reported to
 * `onError`, is dropped, and a request that passed goes on without the fresh-token header, for
 * the app to halt as it halts timed-out requests.
 */
function settle(
  outcome: GuardOutcome,
  req: PicketRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
): void {
  if (!outcome.ok) {
    if (res.headersSent) return;
    res.writeHead(outcome.answer.status, outcome.answer.headers);
    res.end(JSON.stringify(outcome.answer.body));
    return;
  }
  if (outcome.claims !== undefined) {
    req.picket = outcome.claims;
    if (outcome.freshToken !== undefined && !res.headersSent) {
      res.setHeader(FRESH_TOKEN_HEADER, outcome.freshToken);
    }
  }
  next();
}
