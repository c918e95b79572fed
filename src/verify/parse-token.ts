import { PicketValidationError } from "../errors.js";

/** A compact JWS split and decoded, not yet verified. */
export interface ParsedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** `base64url(header) + "." + base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** The three encoded parts of a compact JWS. */
export interface TokenParts {
  header: string;
  payload: string;
  signature: string;
  signingInput: string;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

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
    signature: decodeBase64Url(parts.signature, "signature"),
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
    throw malformed("a token has three parts separated by dots");
  }
  return {
    header: token.slice(0, firstDot),
    payload: token.slice(firstDot + 1, secondDot),
    signature: token.slice(secondDot + 1),
    signingInput: token.slice(0, secondDot),
  };
}

/** Decodes a strict base64url part; throws `ERR_TOKEN_MALFORMED` for any other alphabet or an impossible length. */
export function decodeBase64Url(part: string, name: string): Buffer {
  // Node's decoder skips characters outside the alphabet; a strict check keeps tokens unmalleable.
  if (part.length === 0 || part.length % 4 === 1 || !BASE64URL.test(part)) {
    throw malformed(`the ${name} is not base64url`);
  }
  return Buffer.from(part, "base64url");
}

/** Decodes a base64url part holding a JSON object; throws `ERR_TOKEN_MALFORMED` otherwise. */
export function decodeJsonObject(part: string, name: string): Record<string, unknown> {
  const text = decodeBase64Url(part, name).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw malformed(`the ${name} is not JSON`, cause);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(`the ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function malformed(message: string, cause?: unknown): PicketValidationError {
  return new PicketValidationError(
    "ERR_TOKEN_MALFORMED",
    `Malformed token: ${message}`,
    cause === undefined ? {} : { cause },
  );
}
