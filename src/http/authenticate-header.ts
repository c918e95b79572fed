import { authorize } from "../client/authorize.js";
import type { PicketClient } from "../client/create-picket-client.js";
import { isPicketApiError } from "../client/picket-api-error.js";
import type { Validator } from "../create-validator.js";
import { PicketValidationError } from "../errors.js";
import { parseBearer } from "../shared/parse-bearer.js";
import type { PicketAccessToken, Requirements } from "../types.js";

/** Options shared by the HTTP adapters. */
export interface PicketAuthOptions {
  /** The validator to check tokens with. */
  validator: Validator;
  /** Requirements for the routes behind this middleware. */
  requirements?: Requirements;
  /**
   * Lets requests without an `Authorization` header through unauthenticated; a token that is
   * present but bad is still refused.
   * @default false
   */
  optional?: boolean;
  /**
   * When a token fails only on balances, asks Picket once (through this client) for a fresh
   * token with current balances, and returns it in the `X-Picket-Access-Token` response header.
   * Off by default: without it, no request ever reaches Picket.
   */
  revalidate?: PicketClient;
}

/** The response header that carries a fresh token issued by `revalidate`. */
export const FRESH_TOKEN_HEADER = "x-picket-access-token";

/** A request's verified token, and the fresh token to hand back where one was issued. */
export interface Authenticated {
  claims: PicketAccessToken;
  freshToken: string | undefined;
}

/**
 * Validates the Bearer token of an `Authorization` header value. Resolves `undefined` for an
 * absent header when `optional`; rejects with a `PicketValidationError` otherwise.
 */
export async function authenticateHeader(
  header: string | null | undefined,
  options: PicketAuthOptions,
  requirements: Requirements | undefined = options.requirements,
): Promise<Authenticated | undefined> {
  if (options.optional === true && (header === undefined || header === null || header === "")) {
    return undefined;
  }
  const token = parseBearer(header);
  if (options.revalidate === undefined || requirements === undefined) {
    return { claims: await options.validator.validate(token, requirements), freshToken: undefined };
  }
  try {
    const result = await authorize(options.validator, options.revalidate, token, requirements);
    return {
      claims: result.claims,
      freshToken: result.accessToken === token ? undefined : result.accessToken,
    };
  } catch (error) {
    if (!isPicketApiError(error)) throw error;
    // Picket could not be asked: the local verdict stands, and the request fails closed.
    throw new PicketValidationError(
      "ERR_REQUIREMENTS_NOT_MET",
      "Requirements not met, and current balances could not be had from Picket",
      { cause: error },
    );
  }
}
