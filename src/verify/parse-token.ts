import { platform } from "#platform";
import { PicketValidationError } from "../errors.js";
import { isCanonicalBase64Url } from "./base64url.js";

/** A compact JWS split and decoded, not yet verified. */
export interface ParsedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** `base64url(header) + "." + base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Uint8Array;
}

/** The three encoded parts of a compact JWS. */
export interface TokenParts {
  header: string;
  payload: string;
  signature: string;
  signingInput: string;
}

const text = new TextDecoder();

// A whole Authorization header value given as the token (the scheme in any case). Tested only
// once a token has failed, so a well-formed one pays nothing for it.
const WITH_SCHEME = /^bearer\s/i;

/**
 * Splits a compact JWS into its three parts and decodes header and payload as JSON objects.
 * Checks form only: nothing here is trusted until the signature verifies.
 */
export function parseToken(token: string): ParsedToken {
  const parts = splitToken(token);
  return {
    header: decodeJsonObject(parts.header, "header"),
    claims: decodeJsonObject(parts.payload, "payload"),
    signingInput: parts.signingInput,
    signature: decodeBase64UrlPart(parts.signature, "signature"),
  };
}

/** The token as a string: `ERR_TOKEN_MISSING` for nothing or `""`, `ERR_TOKEN_MALFORMED` for a non-string. */
export function requireTokenString(token: unknown): string {
  if (token === undefined || token === null || token === "") {
    throw new PicketValidationError("ERR_TOKEN_MISSING", "No token was given");
  }
  if (typeof token !== "string") throw malformed("not a string");
  return token;
}

/** Splits a compact JWS at its two dots; throws `ERR_TOKEN_MALFORMED` unless there are exactly two. */
export function splitToken(token: string): TokenParts {
  const firstDot = token.indexOf(".");
  const secondDot = firstDot === -1 ? -1 : token.indexOf(".", firstDot + 1);
  if (secondDot === -1 || token.indexOf(".", secondDot + 1) !== -1) {
    throw malformedOrScheme(token, "a token has three parts separated by dots");
  }
  return {
    header: token.slice(0, firstDot),
    payload: token.slice(firstDot + 1, secondDot),
    signature: token.slice(secondDot + 1),
    signingInput: token.slice(0, secondDot),
  };
}

/**
 * Decodes a part in canonical base64url; throws `ERR_TOKEN_MALFORMED` for padding, another
 * alphabet, an impossible length or stray low bits, so that one token has one spelling.
 */
export function decodeBase64UrlPart(part: string, name: string): Uint8Array {
  if (!isCanonicalBase64Url(part)) {
    throw malformedOrScheme(part, `the ${name} is not canonical base64url`);
  }
  return platform.decodeBase64Url(part);
}

/** Decodes a base64url part holding a JSON object; throws `ERR_TOKEN_MALFORMED` otherwise. */
export function decodeJsonObject(part: string, name: string): Record<string, unknown> {
  const json = text.decode(decodeBase64UrlPart(part, name));
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw malformed(`the ${name} is not JSON`, cause);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(`the ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** `malformed(message)`, unless `text` starts with the Bearer scheme: then what to pass instead. */
function malformedOrScheme(text: string, message: string): PicketValidationError {
  return WITH_SCHEME.test(text)
    ? malformed(
        'it starts with "Bearer ": pass the token without the scheme, e.g. parseBearer(header)',
      )
    : malformed(message);
}

function malformed(message: string, cause?: unknown): PicketValidationError {
  return new PicketValidationError(
    "ERR_TOKEN_MALFORMED",
    `Malformed token: ${message}`,
    cause === undefined ? {} : { cause },
  );
}
