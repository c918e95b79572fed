import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPicketClient, isPicketApiError, type PicketClient } from "../../src/client/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { STAND_IN_CHAINS } from "../../src/testing/stand-in-chains.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

describe("chains and chainInfo", () => {
  let standIn: PicketApiStandIn;
  let picket: PicketClient;

  beforeEach(async () => {
    standIn = await startPicketApiStandIn({ issuer: createTestIssuer() });
    picket = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("chains: GET /chains with Basic auth and no body, answering Picket's `data` list", async () => {
    const chains = await picket.chains();
    expect(chains).toEqual(STAND_IN_CHAINS);
    const [request] = standIn.requests;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/chains");
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${standIn.secretKey}:`).toString("base64")}`,
    );
    expect(request?.headers["content-type"]).toBeUndefined();
    expect(request?.body).toBeUndefined();
  });

  it("chainInfo: GET /chains/{chain}, typed", async () => {
    const polygon = await picket.chainInfo("polygon");
    expect(polygon).toEqual({
      chainSlug: "polygon",
      chainID: 137,
      chainType: "ethereum",
      chainName: "Polygon",
      publicRPC: "https://polygon-rpc.com",
      authorizationSupported: true,
    });
    expect(standIn.requests.map((request) => [request.method, request.path])).toEqual([
      ["GET", "/chains/polygon"],
    ]);
  });

  it("remembers answers per client: one request each, however often asked", async () => {
    for (let round = 0; round < 5; round += 1) {
      await picket.chains();
      await picket.chainInfo("solana");
      await picket.chainInfo("ethereum");
    }
    expect(standIn.requests.map((request) => request.path)).toEqual([
      "/chains",
      "/chains/solana",
      "/chains/ethereum",
    ]);
    const other = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
    await other.chains();
    expect(standIn.requests).toHaveLength(4);
  });

  it("hands out copies: one caller's changes never reach the next", async () => {
    const first = await picket.chains();
    first.pop();
    (first[0] as { chainName: string }).chainName = "changed";
    const solana = await picket.chainInfo("solana");
    solana.authorizationSupported = false;
    expect(await picket.chains()).toEqual(STAND_IN_CHAINS);
    expect((await picket.chainInfo("solana")).authorizationSupported).toBe(true);
  });

  it("does not remember failures", async () => {
    standIn.setHandler(() => error(503, undefined, "down"));
    await expect(picket.chains()).rejects.toSatisfy(isPicketApiError);
    await expect(picket.chainInfo("ethereum")).rejects.toMatchObject({
      status: 503,
      endpoint: "GET /chains/{chain}",
    });
    standIn.setHandler(undefined);
    await expect(picket.chains()).resolves.toEqual(STAND_IN_CHAINS);
    await expect(picket.chainInfo("ethereum")).resolves.toMatchObject({ chainID: 1 });
  });

  it("an unknown chain is Picket's 404 resource_not_found", async () => {
    await expect(picket.chainInfo("dogechain")).rejects.toMatchObject({
      name: "PicketApiError",
      status: 404,
      code: "resource_not_found",
    });
  });

  it("refuses answers of the wrong shape as invalid_response", async () => {
    for (const json of [[...STAND_IN_CHAINS], { data: [{ chainName: "no slug" }] }, {}]) {
      standIn.setHandler(() => ({ json }));
      await expect(picket.chains()).rejects.toMatchObject({
        code: "invalid_response",
        msg: "Picket's answer is not a list of chains",
      });
    }
    standIn.setHandler(() => ({ json: { data: STAND_IN_CHAINS } }));
    await expect(picket.chainInfo("ethereum")).rejects.toMatchObject({
      code: "invalid_response",
      msg: "Picket's answer is not a chain",
    });
  });
});
