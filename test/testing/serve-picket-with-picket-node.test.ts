/**
 * The stand-in driven by a client no one here wrote: Picket's own Node SDK,
 * `@picketapi/picket-node`, pointed at it through its `baseURL`.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeUnverified } from "../../src/index.js";
import {
  createSigningMessage,
  type PicketStandIn,
  servePicket,
  type TestWallet,
  testWallet,
} from "../../src/testing/index.js";

// picket-node ships CommonJS whose exports Node's ESM loader cannot name: load it as CommonJS.
const { default: Picket } = createRequire(import.meta.url)(
  "@picketapi/picket-node",
) as typeof import("@picketapi/picket-node");
type PicketNode = InstanceType<typeof Picket>;

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const MINT = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";

let stand: PicketStandIn;
let picket: PicketNode;

beforeAll(async () => {
  stand = await servePicket();
  picket = new Picket(stand.secretKey);
  picket.baseURL = stand.baseUrl;
});
afterAll(async () => {
  await stand.close();
});

/** nonce → sign → auth, all through picket-node. */
async function logIn(wallet: TestWallet, requirements?: Record<string, unknown>) {
  const { nonce, statement } = await picket.nonce({
    chain: wallet.chain,
    walletAddress: wallet.address,
  });
  const message = createSigningMessage({ statement, walletAddress: wallet.address, nonce });
  return picket.auth({
    chain: wallet.chain,
    walletAddress: wallet.address,
    signature: wallet.signMessage(message),
    ...(requirements === undefined ? {} : { requirements }),
  });
}

describe("servePicket with @picketapi/picket-node", () => {
  it("logs a wallet in: nonce, auth with its signature, validate", async () => {
    const wallet = testWallet("ethereum");
    const { nonce, statement, format } = await picket.nonce({
      chain: "ethereum",
      walletAddress: wallet.address,
    });
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(statement).toBe("Sign in to the Picket stand-in");
    expect(format).toBe("siwe");
    const signature = wallet.signMessage(
      createSigningMessage({ statement, walletAddress: wallet.address, nonce }),
    );
    const { accessToken, user } = await picket.auth({
      chain: "ethereum",
      walletAddress: wallet.address,
      signature,
    });
    expect(user).toEqual({
      chain: "ethereum",
      walletAddress: wallet.address,
      displayAddress: wallet.address,
    });
    const payload = await picket.validate(accessToken);
    expect(payload).toMatchObject({
      aud: stand.projectId,
      sub: `ethereum:${wallet.address}`,
      walletAddress: wallet.address,
    });
    expect(payload.exp - payload.iat).toBe(12 * 3600);
  });

  it("validates with requirements: 403 permission_denied until the wallet holds enough", async () => {
    const wallet = testWallet("ethereum");
    const { accessToken } = await logIn(wallet);
    stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "5",
    });
    // The token carries no balances: a plain validate with requirements cannot be met by it.
    await expect(picket.validate(accessToken, { contractAddress: CONTRACT })).rejects.toEqual({
      code: "permission_denied",
      msg: expect.any(String),
    });
    const { accessToken: gated } = await picket.authz({
      accessToken,
      requirements: { contractAddress: CONTRACT, minTokenBalance: 5 },
    });
    await expect(
      picket.validate(gated, { contractAddress: CONTRACT, minTokenBalance: "5" }),
    ).resolves.toMatchObject({ tokenBalances: { contractAddress: { [CONTRACT]: "5" } } });
    await expect(
      picket.validate(gated, { contractAddress: CONTRACT, minTokenBalance: "6" }),
    ).rejects.toMatchObject({ code: "permission_denied" });
  });

  it("authz trusts the balances a token carries, and re-reads them with revalidate", async () => {
    const wallet = testWallet("ethereum");
    const { accessToken } = await logIn(wallet);
    const requirements = { contractAddress: CONTRACT, minTokenBalance: "1" };
    await expect(picket.authz({ accessToken, requirements })).rejects.toMatchObject({
      code: "permission_denied",
    });

    stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "1",
    });
    const holder = await picket.authz({ accessToken, requirements });
    expect(holder.user.tokenBalances).toEqual({ contractAddress: { [CONTRACT]: "1" } });

    // The wallet sells: without revalidate, the token's balance still counts; with it, not.
    stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "0",
    });
    const cached = await picket.authz({ accessToken: holder.accessToken, requirements });
    expect(decodeUnverified(cached.accessToken).claims.tokenBalances).toEqual({
      contractAddress: { [CONTRACT]: "1" },
    });
    await expect(
      picket.authz({ accessToken: holder.accessToken, requirements, revalidate: true }),
    ).rejects.toMatchObject({ code: "permission_denied" });
  });

  it("logs in with requirements, on Solana, summing SPL mints", async () => {
    const wallet = testWallet("solana");
    stand.setBalance({ chain: "solana", wallet: wallet.address, tokenId: MINT, amount: "1" });
    const { accessToken, user } = await logIn(wallet, { tokenIds: [MINT], minTokenBalance: 1 });
    expect(user).toMatchObject({ chain: "solana", walletAddress: wallet.address });
    expect(decodeUnverified(accessToken).claims).toMatchObject({
      sub: `solana:${wallet.address}`,
      tokenBalances: { tokenIds: { [MINT]: "1" } },
    });
    await expect(logIn(wallet, { tokenIds: [MINT], minTokenBalance: 2 })).rejects.toMatchObject({
      code: "permission_denied",
    });
  });

  it("answers tokenOwnership with the summed balance", async () => {
    const wallet = testWallet("solana");
    const other = "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS";
    stand.setBalance({ chain: "solana", wallet: wallet.address, tokenId: MINT, amount: "1" });
    stand.setBalance({ chain: "solana", wallet: wallet.address, tokenId: other, amount: "0.5" });
    // picket-node's type asks for contractAddress even on Solana, where it sends tokenIds alone.
    const ownership = await picket.tokenOwnership({
      chain: "solana",
      walletAddress: wallet.address,
      tokenIds: [MINT, other],
      minTokenBalance: "1.5",
    } as Parameters<PicketNode["tokenOwnership"]>[0]);
    expect(ownership).toEqual({
      allowed: true,
      walletAddress: wallet.address,
      tokenBalance: "1.5",
      tokenBalances: { tokenIds: { [MINT]: "1", [other]: "0.5" } },
    });
    const evm = await picket.tokenOwnership({
      walletAddress: testWallet("ethereum").address,
      contractAddress: CONTRACT,
    });
    expect(evm).toMatchObject({ allowed: false, tokenBalance: "0" });
  });

  it("lists the chains and describes one", async () => {
    const chains = await picket.chains();
    expect(chains.map((chain) => chain.chainSlug)).toEqual(["ethereum", "polygon", "solana"]);
    await expect(picket.chainInfo("polygon")).resolves.toMatchObject({
      chainID: 137,
      chainType: "ethereum",
    });
    await expect(picket.chainInfo("dogechain")).rejects.toMatchObject({
      code: "resource_not_found",
    });
  });

  it("refuses a wrong secret key with 401 api_key_invalid", async () => {
    const stranger = new Picket("sk_test_wrong");
    stranger.baseURL = stand.baseUrl;
    await expect(stranger.chains()).rejects.toEqual({
      code: "api_key_invalid",
      msg: expect.any(String),
    });
    await expect(
      stranger.nonce({ chain: "ethereum", walletAddress: testWallet("ethereum").address }),
    ).rejects.toMatchObject({ code: "api_key_invalid" });
  });
});
