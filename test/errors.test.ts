import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  ERROR_STATUS,
  type ErrorCode,
  isPicketValidationError,
  PicketValidationError,
} from "../src/index.js";
import { createTestIssuer } from "../src/testing/index.js";
import { expectCode } from "./helpers/expect-code.js";
import { forgeToken } from "./helpers/forge.js";
import { SPEC_STATUS } from "./helpers/spec-errors.js";

const issuer = createTestIssuer({ kid: "k1" });

describe("PicketValidationError", () => {
  it("is recognised by isPicketValidationError, other errors are not", async () => {
    const error = await expectCode(() => issuer.validator().validate("a.b"), "ERR_TOKEN_MALFORMED");
    expect(error.status).toBe(SPEC_STATUS.ERR_TOKEN_MALFORMED);
    expect(isPicketValidationError(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("PicketValidationError");
    expect(isPicketValidationError(new Error("boom"))).toBe(false);
    expect(isPicketValidationError(new TypeError("boom"))).toBe(false);
    expect(isPicketValidationError(null)).toBe(false);
    expect(isPicketValidationError(undefined)).toBe(false);
    expect(isPicketValidationError("PicketValidationError")).toBe(false);
  });

  it("works across realms, by name and code", () => {
    expect(
      isPicketValidationError({ name: "PicketValidationError", code: "ERR_TOKEN_EXPIRED" }),
    ).toBe(true);
    const foreign = runInNewContext(
      'Object.assign(new Error("x"), { name: "PicketValidationError", code: "ERR_TOKEN_EXPIRED", status: 401 })',
    ) as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(isPicketValidationError(foreign)).toBe(true);
  });

  it("rejects look-alikes with an unknown code or another name", () => {
    expect(isPicketValidationError({ name: "PicketValidationError", code: "ERR_NOPE" })).toBe(
      false,
    );
    expect(isPicketValidationError({ name: "PicketValidationError" })).toBe(false);
    expect(isPicketValidationError({ name: "PicketValidationError", code: "toString" })).toBe(
      false,
    );
    expect(isPicketValidationError({ name: "Error", code: "ERR_TOKEN_EXPIRED" })).toBe(false);
    // A code that only reads as a known one once turned into a string is not a code.
    expect(
      isPicketValidationError({ name: "PicketValidationError", code: ["ERR_TOKEN_EXPIRED"] }),
    ).toBe(false);
  });

  it("ERROR_STATUS is exactly the spec's table", () => {
    expect(ERROR_STATUS).toEqual(SPEC_STATUS);
  });

  it.each(Object.entries(SPEC_STATUS))("%s carries status %i", (code, status) => {
    const error = new PicketValidationError(code as ErrorCode, "message", { cause: "why" });
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toBe("message");
    expect(error.cause).toBe("why");
    expect(isPicketValidationError(error)).toBe(true);
  });
});

describe("PicketValidationError fields", () => {
  it("has no cause, no failures, no claim and no header unless given", () => {
    const error = new PicketValidationError("ERR_TOKEN_EXPIRED", "The token has expired");
    expect(Object.hasOwn(error, "cause")).toBe(false);
    expect(error.failures).toEqual([]);
    expect(error.claim).toBeUndefined();
    expect(error.header).toBeUndefined();
    expect(String(error)).toBe("PicketValidationError: The token has expired");
  });

  it("carries the claim and the header member it is given, by name", () => {
    const claimError = new PicketValidationError("ERR_TOKEN_EXPIRED", "m", { claim: "exp" });
    expect(claimError.claim).toBe("exp");
    expect(claimError.header).toBeUndefined();
    const headerError = new PicketValidationError("ERR_ALG_NOT_ALLOWED", "m", { header: "alg" });
    expect(headerError.header).toBe("alg");
    expect(headerError.claim).toBeUndefined();
  });

  it("carries the failures it is given, and a cause that is falsy but present", () => {
    const failures = [
      { requirement: "chain", reason: "mismatch", message: "wrong chain" },
    ] as const;
    const error = new PicketValidationError("ERR_REQUIREMENTS_NOT_MET", "m", {
      failures,
      cause: 0,
    });
    expect(error.failures).toBe(failures);
    expect(error.cause).toBe(0);
  });

  it("is recognised across realms with a code inherited from its prototype", () => {
    const foreign = runInNewContext(
      'const proto = { code: "ERR_JWKS_INVALID" }; const e = Object.create(proto); e.name = "PicketValidationError"; e',
    ) as unknown;
    expect(isPicketValidationError(foreign)).toBe(true);
    expect(
      isPicketValidationError(
        runInNewContext('({ name: "PicketValidationError", code: 401 })') as unknown,
      ),
    ).toBe(false);
    expect(isPicketValidationError(() => undefined)).toBe(false);
  });
});

describe("the errors of validation name the claim or the header member, never a value", () => {
  const now = Math.floor(Date.now() / 1000);
  const validator = issuer.validator({ tokenCache: false });
  const aged = issuer.validator({ tokenCache: false, maxTokenAge: 60 });

  it.each<[string, () => string, ErrorCode, string | undefined, string | undefined]>([
    ["iss", () => issuer.sign({ iss: "x" }), "ERR_ISSUER_INVALID", "iss", undefined],
    ["aud", () => issuer.sign({ aud: "x" }), "ERR_AUDIENCE_INVALID", "aud", undefined],
    ["exp", () => issuer.sign({}, { expiresIn: -60 }), "ERR_TOKEN_EXPIRED", "exp", undefined],
    [
      "the legacy ext",
      () => issuer.sign({ ext: now - 60 }, { omit: ["exp"] }),
      "ERR_TOKEN_EXPIRED",
      "ext",
      undefined,
    ],
    [
      "no exp at all",
      () => issuer.sign({}, { omit: ["exp"] }),
      "ERR_CLAIM_INVALID",
      "exp",
      undefined,
    ],
    [
      "a string exp",
      () => issuer.sign({ exp: "soon" as unknown as number }),
      "ERR_CLAIM_INVALID",
      "exp",
      undefined,
    ],
    ["nbf", () => issuer.sign({ nbf: now + 600 }), "ERR_TOKEN_NOT_YET_VALID", "nbf", undefined],
    ["iat", () => issuer.sign({ iat: now + 600 }), "ERR_TOKEN_NOT_YET_VALID", "iat", undefined],
    [
      "a numeric sub",
      () => issuer.sign({ sub: 7 as unknown as string }),
      "ERR_CLAIM_INVALID",
      "sub",
      undefined,
    ],
    [
      "a numeric chain",
      () => issuer.sign({ chain: 7 as unknown as string }),
      "ERR_CLAIM_INVALID",
      "chain",
      undefined,
    ],
    [
      "alg",
      () => issuer.sign({}, { header: { alg: "HS256" } }),
      "ERR_ALG_NOT_ALLOWED",
      undefined,
      "alg",
    ],
    [
      "crit",
      () => issuer.sign({}, { header: { crit: ["exp"] } }),
      "ERR_ALG_NOT_ALLOWED",
      undefined,
      "crit",
    ],
    [
      "b64",
      () => issuer.sign({}, { header: { b64: false } }),
      "ERR_ALG_NOT_ALLOWED",
      undefined,
      "b64",
    ],
    [
      "jku",
      () => issuer.sign({}, { header: { jku: "https://evil.example" } }),
      "ERR_ALG_NOT_ALLOWED",
      undefined,
      "jku",
    ],
    [
      "a numeric kid",
      () => issuer.sign({}, { header: { kid: 7 } }),
      "ERR_TOKEN_MALFORMED",
      undefined,
      "kid",
    ],
    [
      "an unknown kid",
      () => issuer.sign({}, { header: { kid: "k-unknown" } }),
      "ERR_KEY_NOT_FOUND",
      undefined,
      "kid",
    ],
    [
      "an alg not allowed, in a token without kid",
      () => forgeToken({ alg: "ES384" }, {}),
      "ERR_ALG_NOT_ALLOWED",
      undefined,
      "alg",
    ],
  ])("%s", async (_label, token, code, claim, header) => {
    const error = await expectCode(() => validator.validate(token()), code);
    expect(error.claim).toBe(claim);
    expect(error.header).toBe(header);
    expect(error.status).toBe(SPEC_STATUS[code]);
  });

  it("no key for the alg of a token without kid: alg", async () => {
    const both = issuer.validator({ algorithms: ["ES256", "ES384"] });
    const error = await expectCode(
      () => both.validate(forgeToken({ alg: "ES384" }, {})),
      "ERR_KEY_NOT_FOUND",
    );
    expect(error.header).toBe("alg");
    expect(error.claim).toBeUndefined();
  });

  it("maxTokenAge: iat", async () => {
    const error = await expectCode(
      () => aged.validate(issuer.sign({ iat: now - 600 })),
      "ERR_CLAIM_INVALID",
    );
    expect(error.claim).toBe("iat");
  });
});
