import { afterAll, describe, expect, it } from "vitest";
import { callRoutes } from "../../examples/express-token-gated/call-routes.js";
import {
  type RunningExample,
  start,
  VIP_CONTRACT,
} from "../../examples/express-token-gated/server.js";
import { createTestIssuer } from "../../src/testing/index.js";

describe("examples/express-token-gated", () => {
  it("answers the scripted calls 200, 401, 200, 403, 200", async () => {
    const calls = await callRoutes();
    expect(calls.map((call) => [call.path, call.status])).toEqual([
      ["/public", 200],
      ["/me", 401],
      ["/me", 200],
      ["/vip", 403],
      ["/vip", 200],
    ]);
    const [publicCall, anonymous, visitor, refused, holder] = calls;
    expect(publicCall?.body).toEqual({ message: "Hello, anyone" });
    expect(anonymous?.body).toMatchObject({ error: "ERR_TOKEN_MISSING" });
    expect(visitor?.body).toMatchObject({ chain: "ethereum", walletAddress: expect.any(String) });
    expect(refused?.body).toMatchObject({ error: "ERR_REQUIREMENTS_NOT_MET" });
    expect(JSON.stringify(refused?.body)).not.toContain(VIP_CONTRACT);
    expect(holder?.body).toMatchObject({ message: "Welcome, holder", tokenBalance: "2" });
  });

  describe("start()", () => {
    let running: RunningExample | undefined;
    afterAll(async () => {
      await running?.close();
    });

    it("serves on a loopback port and takes only tokens of its own issuer", async () => {
      running = await start();
      expect(running.port).toBeGreaterThan(0);
      expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
      const own = running.issuer.sign({ contractAddress: VIP_CONTRACT, tokenBalance: "1" });
      const ok = await fetch(`${running.url}/vip`, { headers: { authorization: `Bearer ${own}` } });
      expect(ok.status).toBe(200);

      const stranger = createTestIssuer({ projectId: running.issuer.projectId });
      const foreign = stranger.sign({ contractAddress: VIP_CONTRACT, tokenBalance: "1" });
      const refused = await fetch(`${running.url}/vip`, {
        headers: { authorization: `Bearer ${foreign}` },
      });
      expect(refused.status).toBe(401);
    });

    it("stops listening after close()", async () => {
      const url = running?.url ?? "";
      await running?.close();
      running = undefined;
      await expect(fetch(`${url}/public`)).rejects.toThrow();
    });
  });
});
