import type { IncomingMessage, ServerResponse } from "node:http";
import { isPicketValidationError } from "../errors.js";
import type { PicketAccessToken } from "../types.js";
import {
  authenticateHeader,
  FRESH_TOKEN_HEADER,
  type PicketAuthOptions,
} from "./authenticate-header.js";
import { errorResponse } from "./error-response.js";

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

export type { PicketAuthOptions } from "./authenticate-header.js";

/**
 * Express middleware: validates the `Authorization: Bearer` token, sets `req.picket` and calls
 * `next()`; answers 401, 403 or 503 with `{ error, message }` otherwise. Errors that are not
 * validation errors go to `next(error)`.
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
  if (typeof options?.validator?.validate !== "function") {
    throw new TypeError("picketAuth needs { validator }");
  }
  return (req, res, next) => {
    authenticateHeader(req.headers.authorization, options).then(
      (authenticated) => {
        if (authenticated !== undefined) {
          req.picket = authenticated.claims;
          if (authenticated.freshToken !== undefined) {
            res.setHeader(FRESH_TOKEN_HEADER, authenticated.freshToken);
          }
        }
        next();
      },
      (error: unknown) => {
        if (!isPicketValidationError(error)) {
          next(error);
          return;
        }
        const answer = errorResponse(error);
        res.writeHead(answer.status, answer.headers);
        res.end(JSON.stringify(answer.body));
      },
    );
  };
}
