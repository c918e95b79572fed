import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { decodeUnverified, PICKET_ISSUER } from "../../src/index.js";
import {
  createSigningMessage,
  type PicketStandIn,
  servePicket,
  type TestWallet,
  testWallet,
} from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { readAnswer } from "../helpers/http.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

let stand: PicketStandIn | undefined;
afterEach(async () => {
  await stand?.close();
  stand = undefined;
});

async function start(options: Parameters<typeof servePicket>[0] = {}): Promise<PicketStandIn> {
  stand = await servePicket(options);
  return stand;
}

/** Calls the stand-in with its secret key, as picket-node sends it (`base64(key)`). */
async function call(
  picket: PicketStandIn,
  method: string,
  path: string,
  body?: unknown,
  authorization = `Basic ${Buffer.from(picket.secretKey).toString("base64")}`,
) {
  return readAnswer(
    await fetch(`${picket.baseUrl}${path}`, {
      method,
      headers: { authorization, "content-type": "application/json" },
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    }),
  );
}

/** Asks for a nonce and signs the simple message over it. */
async function signedLogin(picket: PicketStandIn, wallet: TestWallet) {
  const { body } = await call(picket, "POST", "/auth/nonce", {
    chain: wallet.chain,
    walletAddress: wallet.address,
  });
  const message = createSigningMessage({
    statement: String(body.statement),
    walletAddress: wallet.address,
    nonce: String(body.nonce),
  });
  return {
    chain: wallet.chain,
    walletAddress: wallet.address,
    signature: wallet.signMessage(message),
  };
}

describe("servePicket: the secret key", () => {
  it.each([
    ["base64(key), as picket-node sends it", (key: string) => `Basic ${b64(key)}`],
    ["base64(key:), a user with an empty password", (key: string) => `Basic ${b64(`${key}:`)}`],
    ["two spaces after Basic, as picket-js sends it", (key: string) => `Basic  ${b64(key)}`],
  ])("accepts %s", async (_name, header) => {
    const picket = await start({ secretKey: "sk_test_abc" });
    const answer = await call(picket, "GET", "/chains", undefined, header(picket.secretKey));
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ chainSlug: "solana" })]),
    );
  });

  it.each([
    ["another key", `Basic ${b64("sk_test_other")}`],
    ["no header", ""],
    ["a Bearer header", "Bearer sk_test_abc"],
  ])("answers 401 api_key_invalid for %s", async (_name, header) => {
    const picket = await start({ secretKey: "sk_test_abc" });
    const answer = await call(picket, "POST", "/auth/nonce", {}, header);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ code: "api_key_invalid", msg: expect.any(String) });
  });

  it("serves the key set and the OpenID configuration without a key", async () => {
    const picket = await start();
    const jwks = await readAnswer(await fetch(picket.jwksUri));
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toEqual([
      expect.objectContaining({ kty: "EC", crv: "P-256", alg: "ES256" }),
    ]);
    expect(JSON.stringify(jwks.body)).not.toContain('"d"');
    const config = await readAnswer(
      await fetch(`${picket.baseUrl}/.well-known/openid-configuration`),
    );
    expect(config.body).toMatchObject({ issuer: PICKET_ISSUER, jwks_uri: picket.jwksUri });
    expect(picket.jwksUri).toBe(`${picket.baseUrl}/.well-known/jwks.json`);
    expect(picket.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });
});

describe("servePicket: wallet logins", () => {
  it("issues Picket-shaped tokens for an Ethereum wallet's signature: ES256, no kid, 12 hours", async () => {
    const clock = createManualClock(Date.UTC(2026, 5, 1));
    const picket = await start({ projectId: "project-9", clock: clock.now });
    const wallet = testWallet("ethereum", { seed: "alice" });
    const answer = await call(picket, "POST", "/auth", await signedLogin(picket, wallet));
    expect(answer.status).toBe(200);
    const { header, claims } = decodeUnverified(String(answer.body.accessToken));
    expect(header).toEqual({ alg: "ES256", typ: "JWT" });
    expect(claims).toMatchObject({
      iss: PICKET_ISSUER,
      aud: "project-9",
      sub: `ethereum:${wallet.address}`,
      chain: "ethereum",
      walletAddress: wallet.address,
      displayAddress: wallet.address,
      iat: Date.UTC(2026, 5, 1) / 1000,
      exp: Date.UTC(2026, 5, 1) / 1000 + 12 * 3600,
      ver: 1,
    });
    expect(typeof claims.tid).toBe("string");
    expect(answer.body.user).toEqual({
      chain: "ethereum",
      walletAddress: wallet.address,
      displayAddress: wallet.address,
    });
    await expect(
      picket.validator().validate(String(answer.body.accessToken)),
    ).resolves.toMatchObject({
      walletAddress: wallet.address,
    });
  });

  it("logs a Solana wallet in with an ed25519 signature", async () => {
    const picket = await start();
    const wallet = testWallet("solana", { seed: "sol" });
    const answer = await call(picket, "POST", "/auth", await signedLogin(picket, wallet));
    expect(answer.status).toBe(200);
    expect(decodeUnverified(String(answer.body.accessToken)).claims).toMatchObject({
      sub: `solana:${wallet.address}`,
      chain: "solana",
      walletAddress: wallet.address,
    });
  });

  it("accepts a signature over the SIWE message rebuilt from the context", async () => {
    const picket = await start();
    for (const wallet of [testWallet("ethereum"), testWallet("solana")]) {
      const { body } = await call(picket, "POST", "/auth/nonce", {
        chain: wallet.chain,
        walletAddress: wallet.address,
      });
      const context = {
        domain: "app.example",
        uri: "https://app.example/login",
        issuedAt: "2026-06-01T00:00:00.000Z",
        chainId: wallet.chain === "ethereum" ? 1 : 0,
        chainType: wallet.chain,
      };
      const message = createSigningMessage({
        format: "siwe",
        statement: String(body.statement),
        walletAddress: wallet.address,
        nonce: String(body.nonce),
        ...context,
      });
      const login = { chain: wallet.chain, walletAddress: wallet.address, context };
      const signed = { ...login, signature: wallet.signMessage(message) };
      expect((await call(picket, "POST", "/auth", signed)).status, wallet.chain).toBe(200);
    }
  });

  it("refuses (401) another wallet's signature, another nonce, a used nonce and an expired one", async () => {
    const clock = createManualClock();
    const picket = await start({ clock: clock.now });
    const alice = testWallet("ethereum", { seed: "alice" });
    const mallory = testWallet("ethereum", { seed: "mallory" });

    const byMallory = await signedLogin(picket, mallory);
    const forAlice = await signedLogin(picket, alice);
    const impostor = await call(picket, "POST", "/auth", {
      ...forAlice,
      signature: byMallory.signature,
    });
    expect(impostor.status).toBe(401);
    expect(impostor.body.code).toBe("signature_invalid");

    const stale = forAlice.signature;
    const fresh = await signedLogin(picket, alice);
    const overOldNonce = await call(picket, "POST", "/auth", { ...fresh, signature: stale });
    expect(overOldNonce.body.code).toBe("signature_invalid");

    expect((await call(picket, "POST", "/auth", fresh)).status).toBe(200);
    const replay = await call(picket, "POST", "/auth", fresh);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("nonce_invalid");

    const late = await signedLogin(picket, alice);
    clock.advance(120_000);
    const expired = await call(picket, "POST", "/auth", late);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      code: "nonce_invalid",
      msg: expect.stringContaining("expired"),
    });
  });

  it("checks login requirements over the balances set, with Picket's rules", async () => {
    const picket = await start();
    const wallet = testWallet("ethereum");
    const requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };
    picket.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "1.5",
    });
    const short = await call(picket, "POST", "/auth", {
      ...(await signedLogin(picket, wallet)),
      requirements,
    });
    expect(short.status).toBe(403);
    expect(short.body).toMatchObject({
      code: "permission_denied",
      msg: expect.stringContaining("1.5"),
    });

    picket.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "2",
    });
    const met = await call(picket, "POST", "/auth", {
      ...(await signedLogin(picket, wallet)),
      requirements,
    });
    expect(met.status).toBe(200);
    expect(decodeUnverified(String(met.body.accessToken)).claims.tokenBalances).toEqual({
      contractAddress: { [CONTRACT]: "2" },
    });
  });
});

describe("servePicket: bad requests never crash it", () => {
  it.each<[string, string, string, unknown, number, string]>([
    ["bad JSON", "POST", "/auth/nonce", "{not json", 400, "parameter_invalid"],
    ["a JSON array", "POST", "/auth/nonce", "[]", 400, "parameter_invalid"],
    [
      "an unknown chain",
      "POST",
      "/auth/nonce",
      { chain: "dogechain", walletAddress: "x" },
      400,
      "parameter_invalid",
    ],
    [
      "a malformed address",
      "POST",
      "/auth/nonce",
      { chain: "ethereum", walletAddress: "0x12" },
      400,
      "parameter_invalid",
    ],
    ["an unknown path", "GET", "/nope", undefined, 404, "resource_not_found"],
    ["an unknown chain's info", "GET", "/chains/dogechain", undefined, 404, "resource_not_found"],
    ["a wrong method", "DELETE", "/auth", undefined, 404, "resource_not_found"],
    [
      "malformed requirements",
      "POST",
      "/auth/validate",
      { accessToken: "x", requirements: { minTokenBalance: "lots" } },
      400,
      "parameter_invalid",
    ],
    [
      "a forged token",
      "POST",
      "/auth/validate",
      { accessToken: "a.b.c" },
      401,
      "access_token_invalid",
    ],
    [
      "authz with a forged token",
      "POST",
      "/authz",
      { accessToken: "a.b.c", requirements: { contractAddress: CONTRACT } },
      401,
      "access_token_invalid",
    ],
    [
      "tokenOwnership without anything to own",
      "POST",
      `/chains/ethereum/wallets/${"0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5"}/tokenOwnership`,
      { minTokenBalance: "1" },
      400,
      "parameter_invalid",
    ],
    [
      "tokenOwnership on an unknown chain",
      "POST",
      `/chains/dogechain/wallets/x/tokenOwnership`,
      { contractAddress: CONTRACT },
      400,
      "parameter_invalid",
    ],
  ])(
    "answers %s with its status and Picket's error body",
    async (_name, method, path, body, status, code) => {
      const picket = await start();
      const answer = await call(picket, method, path, body);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ code, msg: expect.any(String) });
      expect((await call(picket, "GET", "/chains/ethereum")).status).toBe(200);
    },
  );

  it("answers 404 outside /api/v1 and 413 for a body over 64 KiB", async () => {
    const picket = await start();
    const outside = await readAnswer(await fetch(picket.baseUrl.replace("/api/v1", "/other")));
    expect(outside.status).toBe(404);
    const huge = await call(
      picket,
      "POST",
      "/auth/nonce",
      JSON.stringify({ pad: "x".repeat(70_000) }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe("request_too_large");
    expect((await call(picket, "GET", "/chains")).status).toBe(200);
  });

  it("survives a client that hangs up mid-body", async () => {
    const picket = await start();
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${picket.baseUrl}/auth`, {
        method: "POST",
        headers: { "content-length": "1000" },
      });
      request.on("error", () => resolve());
      request.write('{"chain":');
      setImmediate(() => {
        request.destroy();
        resolve();
      });
    });
    expect((await call(picket, "GET", "/chains")).status).toBe(200);
  });

  it("records every request with its status", async () => {
    const picket = await start();
    await call(picket, "GET", "/chains");
    await call(picket, "GET", "/chains/solana");
    await call(picket, "GET", "/chains", undefined, "Basic eA==");
    expect(picket.requests).toEqual([
      { method: "GET", path: "/chains", status: 200 },
      { method: "GET", path: "/chains/solana", status: 200 },
      { method: "GET", path: "/chains", status: 401 },
    ]);
  });
});

describe("servePicket: options", () => {
  it("refuses unknown and malformed options with TypeErrors, before listening", async () => {
    await expect(servePicket({ projectID: "p" } as never)).rejects.toThrow(
      /options\.projectID is not an option of servePicket; did you mean projectId\?/,
    );
    await expect(servePicket({ secretKey: "" })).rejects.toThrow(TypeError);
    await expect(servePicket({ clock: 5 as never })).rejects.toThrow(/clock/);
  });

  it("makes a random project ID and secret key when none are given", async () => {
    const picket = await start();
    expect(picket.projectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(picket.secretKey).toMatch(/^sk_test_[0-9a-f]{32}$/);
  });
});

function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

describe("servePicket: authz", () => {
  it("needs requirements, and refuses a token of another issuer", async () => {
    const picket = await start();
    const wallet = testWallet("solana");
    const { body } = await call(picket, "POST", "/auth", await signedLogin(picket, wallet));
    const accessToken = String(body.accessToken);
    const bare = await call(picket, "POST", "/authz", { accessToken });
    expect(bare).toMatchObject({ status: 400, body: { code: "parameter_invalid" } });

    const other = await servePicket({ projectId: picket.projectId });
    try {
      const foreign = await call(other, "POST", "/authz", {
        accessToken,
        requirements: { tokenIds: ["MintA"] },
      });
      expect(foreign).toMatchObject({ status: 401, body: { code: "access_token_invalid" } });
    } finally {
      await other.close();
    }
  });
});

describe("servePicket: its clock", () => {
  it("expires its tokens 12 hours after issue, for its validators and for /auth/validate", async () => {
    const clock = createManualClock();
    const picket = await start({ clock: clock.now });
    const wallet = testWallet("ethereum");
    const { body } = await call(picket, "POST", "/auth", await signedLogin(picket, wallet));
    const accessToken = String(body.accessToken);
    clock.advance(12 * 3600 * 1000 - 1000);
    expect((await call(picket, "POST", "/auth/validate", { accessToken })).status).toBe(200);
    clock.advance(61_000);
    await expectCode(() => picket.validator().validate(accessToken), "ERR_TOKEN_EXPIRED");
    const late = await call(picket, "POST", "/auth/validate", { accessToken });
    expect(late).toMatchObject({
      status: 401,
      body: { code: "access_token_invalid", msg: expect.stringContaining("ERR_TOKEN_EXPIRED") },
    });
  });
});
