import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { mergeRequirements } from "../requirements/normalize-requirements.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import { ADAPTER_OPTION_KEYS, type AdapterOptions, FRESH_TOKEN_HEADER } from "./adapter-options.js";
import { guard, guardSettings } from "./route-guard.js";
import { checkPlainRequirements } from "./route-requirements.js";

/** A Fastify `preHandler` hook that validates the Bearer token. */
export type PicketPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module "fastify" {
  interface FastifyRequest {
    /** The verified Picket access token; `null` on anonymous requests in `optional` mode. */
    picket: PicketAccessToken | null;
  }
  interface FastifyInstance {
    /**
     * A `preHandler` for one route. Its requirements are merged over the plugin's, key by key;
     * malformed ones are a `TypeError` here, when the route is built.
     */
    picketAuth(requirements?: Requirements): PicketPreHandler;
  }
}

/** Options of the plugin and of {@link picketPreHandler}; hooks receive Fastify's `request`. */
export type PicketAuthOptions = AdapterOptions<FastifyRequest>;

export type { PicketRefusal, TokenValue } from "./adapter-options.js";

/**
 * A Fastify `preHandler`: validates the `Authorization: Bearer` token (or the one `getToken`
 * reads) and sets `request.picket`, or answers 401, 403 or 503 with `{ error, message }`.
 * Throws a `TypeError` at once for a missing validator or malformed requirements.
 *
 * @example
 * ```ts
 * fastify.get("/vip", { preHandler: picketPreHandler({ validator, requirements }) }, handler);
 * ```
 */
export function picketPreHandler(options: PicketAuthOptions): PicketPreHandler {
  return preHandlerOf("picketPreHandler", options);
}

function preHandlerOf(adapter: string, options: PicketAuthOptions): PicketPreHandler {
  const settings = guardSettings<FastifyRequest>(
    adapter,
    options,
    (request) => request.headers.authorization,
  );
  return async (request, reply) => {
    const outcome = await guard(settings, request);
    if (!outcome.ok) {
      await reply
        .code(outcome.answer.status)
        .headers(outcome.answer.headers)
        .send(outcome.answer.body);
      return;
    }
    request.picket = outcome.claims ?? null;
    if (outcome.freshToken !== undefined) reply.header(FRESH_TOKEN_HEADER, outcome.freshToken);
  };
}

async function register(
  fastify: Parameters<FastifyPluginAsync<PicketAuthOptions>>[0],
  options: PicketAuthOptions,
): Promise<void> {
  // Checked at registration, so that a bad plugin configuration fails `ready()`.
  guardSettings<FastifyRequest>("picketPlugin", options, () => undefined);
  fastify.decorateRequest("picket", null);
  fastify.decorate("picketAuth", (requirements?: Requirements) => {
    if (requirements !== undefined) {
      refuseOptionsAsRequirements(requirements);
      checkPlainRequirements("fastify.picketAuth", requirements);
    }
    // Checked once merged: a route may lean on the plugin's keys (its minimum on their contract).
    const merged = mergeRequirements(options.requirements, requirements);
    const { requirements: _plugin, ...rest } = options;
    return preHandlerOf(
      "fastify.picketAuth",
      merged === undefined ? rest : { ...rest, requirements: merged },
    );
  });
}

/**
 * `fastify.picketAuth({ optional: true })` or `({ requirements })` reads as options but is taken
 * as requirements: say where such keys go rather than let them pass as unknown requirements.
 */
function refuseOptionsAsRequirements(requirements: Requirements | undefined): void {
  const key = Object.keys(requirements ?? {}).find((name) =>
    (ADAPTER_OPTION_KEYS as readonly string[]).includes(name),
  );
  if (key === undefined) return;
  const fix =
    key === "requirements"
      ? "pass the requirements themselves: fastify.picketAuth({ contractAddress, minTokenBalance })"
      : `${key} is an option of the plugin, fastify.register(picketPlugin, { validator, ${key} }), or of picketPreHandler({ validator, ${key} }) for one route`;
  throw new TypeError(`fastify.picketAuth takes requirements, not options: ${fix}`);
}

/**
 * The Fastify plugin: decorates `request.picket` and `fastify.picketAuth(requirements?)`, which
 * makes a route's `preHandler`; a route's requirements are merged over the plugin's key by key.
 * It is not encapsulated, so the decorators reach every route.
 *
 * @example
 * ```ts
 * import { picketPlugin } from "picket-validate/fastify";
 *
 * await fastify.register(picketPlugin, { validator, requirements: { chain: "ethereum" } });
 * fastify.get("/me", { preHandler: fastify.picketAuth() }, (request) => request.picket);
 * fastify.get("/vip", { preHandler: fastify.picketAuth({ contractAddress, minTokenBalance: 1 }) }, vip);
 * ```
 */
export const picketPlugin: FastifyPluginAsync<PicketAuthOptions> = Object.assign(register, {
  // What fastify-plugin sets: share the decorators with the parent scope.
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "picket-validate",
});
