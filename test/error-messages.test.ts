import { describe, expect, it } from "vitest";
import { createValidator } from "../src/index.js";
import { createTestIssuer } from "../src/testing/index.js";
import { expectCode } from "./helpers/expect-code.js";
import { deadJwksUri } from "./helpers/jwks-server.js";

// Messages that point at the fix.

describe("messages that point at the fix", () => {
  it("validateSync works at once with keys given up front: no ready() needed on Node", () => {
    const issuer = createTestIssuer();
    const validator = createValidator({ projectId: issuer.projectId, jwks: issuer.jwks });
    expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
  });

  it("validateSync before any key set is loaded says to call ready()", async () => {
    const issuer = createTestIssuer();
    const validator = createValidator({
      projectId: issuer.projectId,
      jwksUri: await deadJwksUri(),
    });
    const error = await expectCode(
      () => validator.validateSync(issuer.sign()),
      "ERR_KEY_NOT_FOUND",
    );
    expect(error.message).toBe(
      "No key set is loaded yet: call await validator.ready() once at start-up, or use validate()",
    );
  });

  it("ERR_JWKS_UNAVAILABLE names the URL it could not fetch, and keeps the cause", async () => {
    const uri = await deadJwksUri();
    const validator = createValidator({ projectId: "p", jwksUri: uri });
    const error = await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(`The JWKS at ${uri} could not be fetched`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("names the claim or header member that failed, never its value", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const expired = await expectCode(
      () => validator.validate(issuer.sign({}, { expiresIn: -10 })),
      "ERR_TOKEN_EXPIRED",
    );
    expect(expired.claim).toBe("exp");
    const audience = await expectCode(
      () => validator.validate(issuer.sign({ aud: "another-project" })),
      "ERR_AUDIENCE_INVALID",
    );
    expect(audience.claim).toBe("aud");
    expect(audience.message).not.toContain("another-project");
    const alg = await expectCode(
      () => validator.validate(issuer.sign({}, { header: { alg: "RS256" } })),
      "ERR_ALG_NOT_ALLOWED",
    );
    expect(alg.header).toBe("alg");
  });
});
