import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import DefaultPicket, { authorize, Picket, type PicketOptions } from "../../src/client/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { STAND_IN_CHAINS } from "../../src/testing/stand-in-chains.js";
import { expectCode } from "../helpers/expect-code.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

// Each test makes picket-node's call as its README and source show it, with only the import
// and the project ID changed.
describe("Picket: picket-node's class, validating locally", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let picket: Picket;

  const create = (options: Partial<PicketOptions> = {}): Picket =>
    new Picket(standIn.secretKey, {
      projectId: issuer.projectId,
      jwks: issuer.jwks,
      client: { baseUrl: standIn.baseUrl },
      ...options,
    });

  beforeEach(async () => {
    issuer = createTestIssuer();
    standIn = await startPicketApiStandIn({ issuer });
    picket = create();
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("validate(accessToken, requirements?) is local: claims without any request", async () => {
    const token = issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: "3" } } });
    const claims = await picket.validate(token, { contractAddress: CONTRACT, minTokenBalance: 2 });
    expect(claims).toMatchObject({ aud: issuer.projectId, walletAddress: WALLET });
    expect((await picket.validate(token)).tid).toBe(claims.tid);
    expect(standIn.requests).toHaveLength(0);
  });

  it("validate rejects a failing token with a PicketValidationError code, still without a request", async () => {
    const failure = await expectCode(
      () => picket.validate(issuer.sign({}, { expiresIn: -60 })),
      "ERR_TOKEN_EXPIRED",
    );
    expect(failure.status).toBe(401);
    await expectCode(
      () => picket.validate(issuer.sign(), { contractAddress: CONTRACT, minTokenBalance: 1 }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    await expectCode(() => picket.validate(""), "ERR_TOKEN_MISSING");
    expect(standIn.requests).toHaveLength(0);
  });

  it("validate's rejections carry msg, where picket-node's { code, msg } had the text", async () => {
    const failure = await expectCode(
      () => picket.validate(issuer.sign({}, { expiresIn: -60 })),
      "ERR_TOKEN_EXPIRED",
    );
    expect((failure as unknown as { msg: unknown }).msg).toBe(failure.message);
    expect(failure.message).not.toBe("");
  });

  it("is picket-node's default import too", () => {
    expect(DefaultPicket).toBe(Picket);
  });

  it("nonce({ walletAddress }) defaults chain to ethereum, as picket-node does", async () => {
    const answer = await picket.nonce({ walletAddress: WALLET });
    expect(typeof answer.nonce).toBe("string");
    expect(standIn.requests[0]?.path).toBe("/auth/nonce");
    expect(standIn.requests[0]?.body).toEqual({ chain: "ethereum", walletAddress: WALLET });
    await picket.nonce({ chain: "solana", walletAddress: "So1anaWa11et" });
    expect(standIn.requests[1]?.body).toEqual({ chain: "solana", walletAddress: "So1anaWa11et" });
  });

  it("auth({ walletAddress, signature, requirements }) returns a token the local validate takes", async () => {
    const { accessToken, user } = await picket.auth({
      walletAddress: WALLET,
      signature: "0xsigned",
      requirements: { contractAddress: CONTRACT },
    });
    expect(standIn.requests[0]?.body).toEqual({
      chain: "ethereum",
      walletAddress: WALLET,
      signature: "0xsigned",
      requirements: { contractAddress: CONTRACT },
    });
    expect(user.walletAddress).toBe(WALLET);
    await expect(picket.validate(accessToken)).resolves.toMatchObject({ walletAddress: WALLET });
  });

  it("authz({ accessToken, requirements, revalidate }) calls Picket", async () => {
    standIn.balance = "4";
    const accessToken = issuer.sign();
    const answer = await picket.authz({
      accessToken,
      requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
      revalidate: true,
    });
    expect(standIn.requests[0]?.body).toEqual({
      accessToken,
      requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
      revalidate: true,
    });
    const claims = await picket.validate(answer.accessToken, {
      contractAddress: CONTRACT,
      minTokenBalance: "2",
    });
    expect(claims.tokenBalances?.contractAddress?.[CONTRACT]).toBe("4");
  });

  it("tokenOwnership({ walletAddress, contractAddress, minTokenBalance }) is flat, chain ethereum by default", async () => {
    standIn.balance = "2";
    const ownership = await picket.tokenOwnership({
      walletAddress: WALLET,
      contractAddress: CONTRACT,
      minTokenBalance: 1,
    });
    expect(ownership).toMatchObject({ allowed: true, walletAddress: WALLET });
    expect(standIn.requests[0]?.path).toBe(`/chains/ethereum/wallets/${WALLET}/tokenOwnership`);
    expect(standIn.requests[0]?.body).toEqual({ contractAddress: CONTRACT, minTokenBalance: "1" });

    await picket.tokenOwnership({ chain: "solana", walletAddress: "So1", tokenIds: ["42"] });
    expect(standIn.requests[1]?.path).toBe("/chains/solana/wallets/So1/tokenOwnership");
    await picket.tokenOwnership({ walletAddress: WALLET, requirements: { collection: "Apes" } });
    expect(standIn.requests[2]?.body).toEqual({ collection: "Apes" });
  });

  it("tokenOwnership still refuses dot segments", async () => {
    await expect(
      picket.tokenOwnership({ chain: "..", walletAddress: "..", contractAddress: CONTRACT }),
    ).rejects.toThrow(TypeError);
    expect(standIn.requests).toHaveLength(0);
  });

  it("chains() and chainInfo(chain) call Picket once each", async () => {
    expect(await picket.chains()).toEqual(STAND_IN_CHAINS);
    expect(await picket.chainInfo("solana")).toMatchObject({ chainType: "solana" });
    await picket.chains();
    await picket.chainInfo("solana");
    expect(standIn.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /chains",
      "GET /chains/solana",
    ]);
  });

  it("API failures keep picket-node's `code` and `msg`", async () => {
    const wrong = new Picket("sk_wrong", {
      projectId: issuer.projectId,
      jwks: issuer.jwks,
      client: { baseUrl: standIn.baseUrl },
    });
    await expect(wrong.nonce({ walletAddress: WALLET })).rejects.toMatchObject({
      name: "PicketApiError",
      code: "api_key_invalid",
      msg: "The provided API key is invalid",
    });
  });

  it("one onEvent receives the validator's events and the client's", async () => {
    const server = await issuer.serve();
    try {
      const events: { type: string }[] = [];
      const withEvents = new Picket(standIn.secretKey, {
        projectId: issuer.projectId,
        jwksUri: server.jwksUri,
        client: { baseUrl: standIn.baseUrl },
        onEvent: (event) => events.push(event),
      });
      await withEvents.validate(issuer.sign());
      standIn.setHandler(() => error(503, undefined, "down"));
      await expect(withEvents.chains()).rejects.toMatchObject({ status: 503 });
      const types = events.map((event) => event.type);
      expect(types).toContain("jwks_fetch_success");
      expect(types.at(-1)).toBe("picket_api_failure");
    } finally {
      await server.close();
    }
  });

  it("shares the top-level clock with the client, for the revalidation cooldown", async () => {
    // A second ahead, so that the token minted below (on the real clock) is never "issued in the future".
    let now = Date.now() + 1000;
    const clocked = create({ clock: () => now });
    const token = issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: "0" } } });
    const requirements = { contractAddress: CONTRACT, minTokenBalance: "1" };
    for (let round = 0; round < 3; round += 1) {
      await expectCode(
        () => authorize(clocked.validator, clocked.client, token, requirements),
        "ERR_REQUIREMENTS_NOT_MET",
      );
    }
    expect(standIn.requests).toHaveLength(1);
    now += 60_000;
    await expectCode(
      () => authorize(clocked.validator, clocked.client, token, requirements),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(standIn.requests).toHaveLength(2);
  });

  it("takes client options under `client`", async () => {
    standIn.setHandler(() => ({
      json: { nonce: "n".repeat(200), statement: "s", format: "simple" },
    }));
    const bounded = create({ client: { baseUrl: standIn.baseUrl, maxResponseBytes: 64 } });
    await expect(bounded.nonce({ walletAddress: WALLET })).rejects.toMatchObject({
      code: "response_too_large",
    });
  });

  it("holds the secret key nowhere it can be read", () => {
    const rendering = `${inspect(picket, { depth: 10, showHidden: true })}${JSON.stringify(picket)}`;
    expect(rendering).not.toContain(standIn.secretKey);
    expect(rendering).not.toContain(Buffer.from(`${standIn.secretKey}:`).toString("base64"));
  });

  it("keeps a chain that is given, and refuses a null request as the client does", async () => {
    await picket.nonce({ chain: "solana", walletAddress: "So1anaWa11et" });
    expect(standIn.requests[0]?.body).toMatchObject({ chain: "solana" });
    await expect(picket.tokenOwnership(null as never)).rejects.toThrow(
      new TypeError("tokenOwnership's request must be an object"),
    );
  });

  it("refuses options that are not an object with the project-ID TypeError", () => {
    expect(() => new Picket(standIn.secretKey, issuer.projectId as never)).toThrow(
      new TypeError(
        "new Picket(secretKey, { projectId }) needs the project ID: tokens are validated locally",
      ),
    );
  });

  it("throws a TypeError without the project ID or the secret key", () => {
    expect(() => new Picket(standIn.secretKey, undefined as unknown as PicketOptions)).toThrow(
      new TypeError(
        "new Picket(secretKey, { projectId }) needs the project ID: tokens are validated locally",
      ),
    );
    expect(() => new Picket(standIn.secretKey, {} as PicketOptions)).toThrow(
      new TypeError(
        "new Picket(secretKey, { projectId }) needs options.projectId: validate() checks tokens offline, where each token's aud must be your project ID (Picket's API knew it from the secret key; offline nothing else tells it)",
      ),
    );
    expect(() => new Picket("", { projectId: issuer.projectId })).toThrow(
      new TypeError("options.secretKey must be the project's secret API key (a string)"),
    );
  });

  it("validates through picket.validator and re-checks through picket.client with authorize", async () => {
    standIn.balance = "5";
    const token = issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: "0" } } });
    const result = await authorize(picket.validator, picket.client, token, {
      contractAddress: CONTRACT,
      minTokenBalance: "1",
    });
    expect(result.accessToken).not.toBe(token);
    expect(result.claims.tokenBalances?.contractAddress?.[CONTRACT]).toBe("5");
  });
});
