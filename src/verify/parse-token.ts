import { PicketValidationError } from "../errors.js";

/** A compact JWS split and decoded, not yet verified. */
export interface ParsedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** `base64url(header) + "." + base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Splits a compact JWS into its three parts and decodes header and payload as JSON objects.
 * Checks form only: nothing here is trusted until the signature verifies.
 */
export function parseToken(token: string): ParsedToken {
  const firstDot = token.indexOf(".");
  const secondDot = firstDot === -1 ? -1 : token.indexOf(".", firstDot + 1);
  if (secondDot === -1 || token.indexOf(".", secondDot + 1) !== -1) {
    throw malformed("a token has three parts separated by dots");
  }
  const headerPart = token.slice(0, firstDot);
  const payloadPart = token.slice(firstDot + 1, secondDot);
  const signaturePart = token.slice(secondDot + 1);
  return {
    header: decodeJsonObject(headerPart, "header"),
    claims: decodeJsonObject(payloadPart, "payload"),
    signingInput: token.slice(0, secondDot),
    signature: decodeBase64Url(signaturePart, "signature"),
  };
}

function decodeBase64Url(part: string, name: string): Buffer {
  // Node's decoder skips characters outside the alphabet; a strict check keeps tokens unmalleable.
  if (part.length === 0 || part.length % 4 === 1 || !BASE64URL.test(part)) {
    throw malformed(`the ${name} is not base64url`);
  }
  return Buffer.from(part, "base64url");
}

function decodeJsonObject(part: string, name: string): Record<string, unknown> {
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
