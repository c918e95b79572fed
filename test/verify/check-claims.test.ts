import { describe, expect, it } from "vitest";
import type { ErrorCode, Validator } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";

describe("claim messages", () => {
  const clockMs = Date.UTC(2026, 0, 1);
  const now = clockMs / 1000;
  const issuer = createTestIssuer({ clock: () => clockMs });
  const validator = issuer.validator({ clock: () => clockMs, tokenCache: false });
  const aged = issuer.validator({ clock: () => clockMs, tokenCache: false, maxTokenAge: 60 });

  it.each<[string, () => string, string, Validator?]>([
    ["iss", () => issuer.sign({ iss: "x" }), "iss"],
    ["aud", () => issuer.sign({ aud: ["x", "y"] }), "aud"],
    ["no exp", () => issuer.sign({}, { omit: ["exp"] }), "exp"],
    ["an expired legacy ext", () => issuer.sign({ ext: now - 1 }, { omit: ["exp"] }), "ext"],
    ["nbf", () => issuer.sign({ nbf: now + 61 }), "nbf"],
    ["iat", () => issuer.sign({ iat: now + 61 }), "iat"],
    ["a string iat", () => issuer.sign({ iat: "1" as unknown as number }), "iat"],
    ["a string exp", () => issuer.sign({ exp: "Infinity" as unknown as number }), "exp"],
    ["no iat with maxTokenAge", () => issuer.sign({}, { omit: ["iat"] }), "iat", aged],
    ["an old iat with maxTokenAge", () => issuer.sign({ iat: now - 61 }), "iat", aged],
  ])("names the claim: %s", async (_label, token, claim, which = validator) => {
    const error = await rejectionOf(() => which.validate(token()));
    expect(error.claim).toBe(claim);
    expect(error.header).toBeUndefined();
  });

  it.each<[string, () => string, ErrorCode, string, Validator?]>([
    [
      "iss",
      () => issuer.sign({ iss: "x" }),
      "ERR_ISSUER_INVALID",
      'The token\'s issuer is not "picketapi.com"',
    ],
    [
      "aud",
      () => issuer.sign({ aud: "x" }),
      "ERR_AUDIENCE_INVALID",
      "The token's audience does not include the project ID",
    ],
    [
      "no exp",
      () => issuer.sign({}, { omit: ["exp"] }),
      "ERR_CLAIM_INVALID",
      'The token has no "exp" claim',
    ],
    ["exp", () => issuer.sign({ exp: now - 1 }), "ERR_TOKEN_EXPIRED", "The token has expired"],
    [
      "nbf",
      () => issuer.sign({ nbf: now + 61 }),
      "ERR_TOKEN_NOT_YET_VALID",
      "The token is not valid yet (nbf)",
    ],
    [
      "iat",
      () => issuer.sign({ iat: now + 61 }),
      "ERR_TOKEN_NOT_YET_VALID",
      "The token was issued in the future (iat)",
    ],
    [
      "a string nbf",
      () => issuer.sign({ nbf: "1" as unknown as number }),
      "ERR_CLAIM_INVALID",
      'The "nbf" claim is not a number',
    ],
    [
      "no iat with maxTokenAge",
      () => issuer.sign({}, { omit: ["iat"] }),
      "ERR_CLAIM_INVALID",
      'maxTokenAge needs an "iat" claim',
      aged,
    ],
    [
      "an old iat with maxTokenAge",
      () => issuer.sign({ iat: now - 61 }),
      "ERR_CLAIM_INVALID",
      "The token is older than maxTokenAge",
      aged,
    ],
  ])("%s", async (_label, token, code, message, which = validator) => {
    const error = await rejectionOf(() => which.validate(token()));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });
});
