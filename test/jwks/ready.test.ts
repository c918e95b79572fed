import { describe, expect, it } from "vitest";
import { createValidator } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";

describe("ready()", () => {
  it("fetches once: a second call while the keys are fresh makes no request", async () => {
    const issuer = createTestIssuer({ kid: "k" });
    const server = await issuer.serve();
    try {
      const validator = createValidator({ projectId: issuer.projectId, jwksUri: server.jwksUri });
      await Promise.all([validator.ready(), validator.ready()]);
      await validator.ready();
      expect(server.requests).toBe(1);
      await validator.refresh();
      expect(server.requests).toBe(2);
      expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
    } finally {
      await server.close();
    }
  });

  it("makes validateSync usable with a preloaded key set", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign();
    await validator.ready();
    expect(validator.validateSync(token).walletAddress).toBe(issuer.walletAddress);
  });
});
