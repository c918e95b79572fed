import { afterEach, describe, expect, it } from "vitest";
import { VIP_CONTRACT } from "../../examples/express-token-gated/server.js";
import {
  logIn,
  type StandInExample,
  startWithStandIn,
} from "../../examples/express-token-gated/with-stand-in.js";
import { decodeUnverified } from "../../src/index.js";
import { testWallet } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { readAnswer } from "../helpers/http.js";

let running: StandInExample | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("examples/express-token-gated against the Picket stand-in", () => {
  it("logs in, refuses /vip, re-authorizes through revalidate after the wallet buys, then passes locally", async () => {
    const clock = createManualClock(Date.now());
    running = await startWithStandIn(clock.now);
    const { stand, url } = running;
    const vip = async (token: string) =>
      readAnswer(await fetch(`${url}/vip`, { headers: { authorization: `Bearer ${token}` } }));
    const picketCalls = (path: string) => stand.requests.filter((r) => r.path === path);

    const wallet = testWallet("ethereum");
    const token = await logIn(running.picket, wallet);
    expect(decodeUnverified(token).claims.sub).toBe(`ethereum:${wallet.address}`);
    const jwksFetches = picketCalls("/.well-known/jwks.json").length;
    expect(jwksFetches).toBeGreaterThan(0);

    const refused = await vip(token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: "ERR_REQUIREMENTS_NOT_MET" });
    expect(refused.headers.get("x-picket-access-token")).toBeNull();
    expect(picketCalls("/authz")).toEqual([{ method: "POST", path: "/authz", status: 403 }]);

    stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: VIP_CONTRACT,
      amount: "1",
    });
    // Within the cooldown the app does not ask again: the refusal is remembered.
    expect((await vip(token)).status).toBe(403);
    expect(picketCalls("/authz")).toHaveLength(1);

    clock.advance(60_000);
    const granted = await vip(token);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({
      message: "Welcome, holder",
      walletAddress: wallet.address,
    });
    const fresh = granted.headers.get("x-picket-access-token");
    expect(fresh).toEqual(expect.any(String));
    expect(decodeUnverified(fresh as string).claims).toMatchObject({
      sub: `ethereum:${wallet.address}`,
      tokenBalances: { contractAddress: { [VIP_CONTRACT]: "1" } },
    });
    expect(picketCalls("/authz").map((r) => r.status)).toEqual([403, 200]);

    const before = stand.requests.length;
    const local = await vip(fresh as string);
    expect(local.status).toBe(200);
    expect(local.headers.get("x-picket-access-token")).toBeNull();
    expect(stand.requests).toHaveLength(before);
    expect(picketCalls("/.well-known/jwks.json")).toHaveLength(jwksFetches);
  });
});
