import type { Validator } from "../create-validator.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import { parseBearer } from "./parse-bearer.js";

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
}

/**
 * Validates the Bearer token of an `Authorization` header value. Resolves `undefined` for an
 * absent header when `optional`; rejects with a `PicketValidationError` otherwise.
 */
export async function authenticateHeader(
  header: string | null | undefined,
  options: PicketAuthOptions,
  requirements: Requirements | undefined = options.requirements,
): Promise<PicketAccessToken | undefined> {
  if (options.optional === true && (header === undefined || header === null || header === "")) {
    return undefined;
  }
  return options.validator.validate(parseBearer(header), requirements);
}
