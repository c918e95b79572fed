import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPicketClient, type PicketClient } from "../../src/client/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { apiError } from "../helpers/api-error.js";
import { type PicketApiStandIn, startPicketApiStandIn } from "../helpers/picket-api-stand-in.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

describe("each call's arguments and answer shape", () => {
  let standIn: PicketApiStandIn;
  let picket: PicketClient;

  beforeEach(async () => {
    standIn = await startPicketApiStandIn({ issuer: createTestIssuer() });
    picket = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("names the missing argument of each call in its TypeError", async () => {
    const refused: [() => Promise<unknown>, string][] = [
      [() => picket.nonce({ walletAddress: WALLET } as never), "chain"],
      [() => picket.auth({ walletAddress: WALLET, signature: "s" } as never), "chain"],
      [() => picket.auth({ chain: "ethereum", signature: "s" } as never), "walletAddress"],
      [() => picket.auth({ chain: "ethereum", walletAddress: WALLET } as never), "signature"],
      [() => picket.authz({ accessToken: "", requirements: {} }), "accessToken"],
    ];
    for (const [call, name] of refused) {
      await expect(call()).rejects.toThrow(new TypeError(`${name} must be a non-empty string`));
    }
    expect(standIn.requests).toHaveLength(0);
  });

  it("says which call failed and what its answer lacked", async () => {
    const token = "a.b.c";
    const cases: [() => Promise<unknown>, unknown, string][] = [
      [
        () => picket.nonce({ chain: "ethereum", walletAddress: WALLET }),
        { statement: "no nonce" },
        "POST /auth/nonce failed: Picket's answer is not a nonce",
      ],
      [
        () => picket.auth({ chain: "ethereum", walletAddress: WALLET, signature: "s" }),
        { accessToken: "t" },
        "POST /auth failed: Picket's answer is not an access token and a user",
      ],
      [
        () => picket.authz({ accessToken: token, requirements: { contractAddress: CONTRACT } }),
        { accessToken: "t", user: null },
        "POST /authz failed: Picket's answer is not an access token and a user",
      ],
      [
        () => picket.validate(token),
        ["claims"],
        "POST /auth/validate failed: Picket's answer is not the token's claims",
      ],
      [
        () => picket.tokenOwnership({ chain: "ethereum", walletAddress: WALLET, requirements: {} }),
        { allowed: "yes" },
        "POST /chains/{chain}/wallets/{walletAddress}/tokenOwnership failed: Picket's answer is not an ownership verdict",
      ],
      [
        () => picket.chains(),
        { data: [{ chainSlug: "ethereum" }, { chainName: "no slug" }] },
        "GET /chains failed: Picket's answer is not a list of chains",
      ],
      [
        () => picket.chainInfo("ethereum"),
        { chainSlug: "" },
        "GET /chains/{chain} failed: Picket's answer is not a chain",
      ],
    ];
    for (const [call, json, message] of cases) {
      standIn.setHandler(() => ({ json }));
      const failure = await apiError(call);
      expect(failure.code).toBe("invalid_response");
      expect(failure.message).toBe(message);
    }
  });

  it("takes requirements under `requirements` beside flat fields left undefined", async () => {
    standIn.balance = "1";
    const answer = await picket.tokenOwnership({
      chain: "ethereum",
      walletAddress: WALLET,
      requirements: { contractAddress: CONTRACT },
      contractAddress: undefined,
      minTokenBalance: undefined,
    } as never);
    expect(answer.allowed).toBe(true);
    expect(standIn.requests[0]?.body).toEqual({ contractAddress: CONTRACT });
  });

  it("sends a number that no decimal can spell as JSON has it, not as text", async () => {
    standIn.setHandler(() => ({ json: { allowed: false } }));
    await picket.tokenOwnership({
      chain: "ethereum",
      walletAddress: WALLET,
      requirements: { contractAddress: CONTRACT, minTokenBalance: Number.POSITIVE_INFINITY },
    });
    expect(standIn.requests[0]?.body).toEqual({ contractAddress: CONTRACT, minTokenBalance: null });
  });
});
