import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { isPicketValidationError } from "../errors.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import {
  authenticateHeader,
  FRESH_TOKEN_HEADER,
  type PicketAuthOptions,
} from "./authenticate-header.js";
import { errorResponse } from "./error-response.js";

/** A Fastify `preHandler` hook that validates the Bearer token. */
export type PicketPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module "fastify" {
  interface FastifyRequest {
    /** The verified Picket access token; `null` on anonymous requests in `optional` mode. */
    picket: PicketAccessToken | null;
  }
  interface FastifyInstance {
    /** A `preHandler` for one route, with that route's requirements. */
    picketAuth(requirements?: Requirements): PicketPreHandler;
  }
}

export type { PicketAuthOptions } from "./authenticate-header.js";

/**
 * A Fastify `preHandler`: validates the `Authorization: Bearer` token and sets `request.picket`,
 * or answers 401, 403 or 503 with `{ error, message }`.
 *
 * @example
 * ```ts
 * fastify.get("/vip", { preHandler: picketPreHandler({ validator, requirements }) }, handler);
 * ```
 */
export function picketPreHandler(options: PicketAuthOptions): PicketPreHandler {
  if (typeof options?.validator?.validate !== "function") {
    throw new TypeError("picketPreHandler needs { validator }");
  }
  return async (request, reply) => {
    try {
      const authenticated = await authenticateHeader(request.headers.authorization, options);
      request.picket = authenticated?.claims ?? null;
      if (authenticated?.freshToken !== undefined) {
        reply.header(FRESH_TOKEN_HEADER, authenticated.freshToken);
      }
    } catch (error) {
      if (!isPicketValidationError(error)) throw error;
      const answer = errorResponse(error);
      await reply.code(answer.status).headers(answer.headers).send(answer.body);
    }
  };
}

async function register(
  fastify: Parameters<FastifyPluginAsync<PicketAuthOptions>>[0],
  options: PicketAuthOptions,
): Promise<void> {
  if (typeof options?.validator?.validate !== "function") {
    throw new TypeError("picketPlugin needs { validator }");
  }
  fastify.decorateRequest("picket", null);
  fastify.decorate("picketAuth", (requirements?: Requirements) =>
    picketPreHandler(requirements === undefined ? options : { ...options, requirements }),
  );
}

/**
 * The Fastify plugin: decorates `request.picket` and `fastify.picketAuth(requirements?)`, which
 * makes a route's `preHandler`. It is not encapsulated, so the decorators reach every route.
 *
 * @example
 * ```ts
 * import { picketPlugin } from "picket-validate/fastify";
 *
 * await fastify.register(picketPlugin, { validator });
 * fastify.get("/me", { preHandler: fastify.picketAuth() }, (request) => request.picket);
 * ```
 */
export const picketPlugin: FastifyPluginAsync<PicketAuthOptions> = Object.assign(register, {
  // What fastify-plugin sets: share the decorators with the parent scope.
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "picket-validate",
});
