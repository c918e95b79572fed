import { authorize } from "../client/authorize.js";
import type { PicketClient } from "../client/create-picket-client.js";
import { isPicketApiError } from "../client/picket-api-error.js";
import { PicketValidationError } from "../errors.js";
import { callHook } from "../shared/call-hook.js";
import { parseBearer } from "../shared/parse-bearer.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import {
  ADAPTER_OPTION_KEYS,
  type AdapterOptions,
  type PicketRefusal,
  type TokenValue,
} from "./adapter-options.js";
import { type ErrorResponse, errorResponse, isAnswerable } from "./error-response.js";
import { checkRouteRequirements } from "./route-requirements.js";

/** What a guarded request comes to: through (with claims, or anonymous), or refused. */
export type GuardOutcome =
  | {
      ok: true;
      /** The verified claims; `undefined` for an anonymous request that `optional` let through. */
      claims: PicketAccessToken | undefined;
      /** A fresh token from `revalidate`, to hand back in `X-Picket-Access-Token`. */
      freshToken: string | undefined;
    }
  | { ok: false; error: PicketValidationError; answer: ErrorResponse };

/** An adapter's options, checked once, with the framework's way to read the token. */
export interface GuardSettings<Req> {
  validator: Validator;
  requirements: Requirements | undefined;
  optional: boolean;
  revalidate: PicketClient | undefined;
  onError: ((error: PicketRefusal, request: Req) => unknown) | undefined;
  readToken: (request: Req) => TokenValue | PromiseLike<TokenValue>;
}

/**
 * Checks an adapter's options (a `TypeError` naming `adapter` for an unknown key, a missing
 * validator, a hook that is not a function, a value of the wrong type or malformed requirements) and settles how tokens are read:
 * `getToken`, else the Bearer token of the header `readAuthorization` returns.
 */
export function guardSettings<Req>(
  adapter: string,
  options: AdapterOptions<Req>,
  readAuthorization: (request: Req) => string | null | undefined,
  requirements: Requirements | undefined = checkRouteRequirements(
    adapter,
    options?.requirements,
    options?.validator?.requirements,
  ),
): GuardSettings<Req> {
  // A misspelt `requirements` or `optional` left out would serve the route to anyone.
  if (typeof options === "object" && options !== null) {
    refuseUnknownKeys(options, ADAPTER_OPTION_KEYS, adapter);
  }
  if (typeof options?.validator?.validate !== "function") {
    throw new TypeError(`${adapter} needs { validator }`);
  }
  for (const hook of ["getToken", "onError"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function") {
      throw new TypeError(`${adapter}: ${hook} must be a function`);
    }
  }
  checkValueTypes(adapter, options);
  const { getToken } = options;
  return {
    validator: options.validator,
    requirements,
    optional: options.optional === true,
    revalidate: options.revalidate,
    onError: options.onError,
    readToken:
      getToken === undefined ? (request) => bearerOrNothing(readAuthorization(request)) : getToken,
  };
}

/**
 * `optional: "true"` or `revalidate: true` would be taken for something else than meant (a
 * string is not `true`; `true` is no client, which every refused request would then reach).
 */
function checkValueTypes(
  adapter: string,
  options: Pick<AdapterOptions<never>, "optional" | "revalidate">,
): void {
  if (options.optional !== undefined && typeof options.optional !== "boolean") {
    throw new TypeError(
      `${adapter}: optional must be true or false, not ${typeof options.optional}`,
    );
  }
  const client = options.revalidate as { authz?: unknown } | undefined;
  if (client !== undefined && typeof client?.authz !== "function") {
    throw new TypeError(
      `${adapter}: revalidate must be a Picket API client, from createPicketClient({ secretKey }) or a Picket's .client`,
    );
  }
}

/**
 * Authenticates one request. Validation errors (and Picket failing during revalidation) become
 * a refusal with its answer, reported once to `onError`; any other error rejects, for the
 * framework's error handling.
 */
export async function guard<Req>(
  settings: GuardSettings<Req>,
  request: Req,
): Promise<GuardOutcome> {
  try {
    const token = checkToken(await settings.readToken(request));
    if (token === undefined) {
      if (settings.optional) return { ok: true, claims: undefined, freshToken: undefined };
      throw new PicketValidationError("ERR_TOKEN_MISSING", "No access token in the request");
    }
    return { ok: true, ...(await authenticateToken(settings, token)) };
  } catch (error) {
    const refusal = asRefusal(error);
    if (refusal === undefined) throw error;
    callHook(settings.onError, error as PicketRefusal, request);
    return { ok: false, error: refusal, answer: errorResponse(refusal) };
  }
}

/** An absent or empty header is no credentials; anything else must be Bearer credentials. */
function bearerOrNothing(header: string | null | undefined): string | undefined {
  return header === undefined || header === null || header === "" ? undefined : parseBearer(header);
}

function checkToken(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    throw new TypeError(`getToken must return a string, undefined or null, not ${typeof value}`);
  }
  return value;
}

async function authenticateToken(
  settings: Pick<GuardSettings<unknown>, "validator" | "revalidate" | "requirements">,
  token: string,
): Promise<{ claims: PicketAccessToken; freshToken: string | undefined }> {
  const { validator, revalidate, requirements } = settings;
  if (revalidate === undefined || requirements === undefined) {
    return { claims: await validator.validate(token, requirements), freshToken: undefined };
  }
  const result = await authorize(validator, revalidate, token, requirements);
  return {
    claims: result.claims,
    freshToken: result.accessToken === token ? undefined : result.accessToken,
  };
}

/**
 * The validation error a request is refused with. `authorize` rejects with a `PicketApiError`
 * only when Picket could not be asked: the local verdict (requirements not met) stands, and the
 * request fails closed. An error that only looks like a validation error is no refusal.
 */
function asRefusal(error: unknown): PicketValidationError | undefined {
  if (isAnswerable(error)) return error;
  if (!isPicketApiError(error)) return undefined;
  return new PicketValidationError(
    "ERR_REQUIREMENTS_NOT_MET",
    "Requirements not met, and current balances could not be had from Picket",
    { cause: error },
  );
}
