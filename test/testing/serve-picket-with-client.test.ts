/**
 * The stand-in driven by this package's own client, `picket-validate/client`, and by
 * `authorize()`, which revalidates through Picket only when local validation fails on balances.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorize,
  createPicketClient,
  isPicketApiError,
  type PicketClient,
} from "../../src/client/index.js";
import { decodeUnverified } from "../../src/index.js";
import {
  createSigningMessage,
  type PicketStandIn,
  servePicket,
  type TestWallet,
  testWallet,
} from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const REQUIREMENTS = { contractAddress: CONTRACT, minTokenBalance: "2" };

let stand: PicketStandIn;
let client: PicketClient;

beforeAll(async () => {
  stand = await servePicket();
  client = createPicketClient({ secretKey: stand.secretKey, baseUrl: stand.baseUrl });
});
afterAll(async () => {
  await stand.close();
});

async function logIn(wallet: TestWallet): Promise<string> {
  const { nonce, statement } = await client.nonce({
    chain: wallet.chain,
    walletAddress: wallet.address,
  });
  const message = createSigningMessage({ statement, walletAddress: wallet.address, nonce });
  const { accessToken } = await client.auth({
    chain: wallet.chain,
    walletAddress: wallet.address,
    signature: wallet.signMessage(message),
  });
  return accessToken;
}

describe("servePicket with picket-validate/client", () => {
  it("logs in, validates, authorizes, and answers ownership and chains", async () => {
    const wallet = testWallet("ethereum");
    const accessToken = await logIn(wallet);
    await expect(client.validate({ accessToken })).resolves.toMatchObject({
      walletAddress: wallet.address,
    });
    stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "3",
    });
    const { accessToken: gated, user } = await client.authz({
      accessToken,
      requirements: REQUIREMENTS,
      revalidate: true,
    });
    expect(user.tokenBalances).toEqual({ contractAddress: { [CONTRACT]: "3" } });
    await expect(stand.validator().validate(gated, REQUIREMENTS)).resolves.toMatchObject({
      walletAddress: wallet.address,
    });
    await expect(
      client.tokenOwnership({
        chain: "ethereum",
        walletAddress: wallet.address,
        requirements: REQUIREMENTS,
      }),
    ).resolves.toMatchObject({ allowed: true, tokenBalance: "3" });
    await expect(client.chains()).resolves.toHaveLength(3);
    await expect(client.chainInfo("solana")).resolves.toMatchObject({ chainType: "solana" });
  });

  it("rejects with a PicketApiError carrying Picket's status and code", async () => {
    const stranger = createPicketClient({ secretKey: "sk_test_wrong", baseUrl: stand.baseUrl });
    const refused = await stranger.chains().catch((error: unknown) => error);
    expect(isPicketApiError(refused) && [refused.status, refused.code]).toEqual([
      401,
      "api_key_invalid",
    ]);
    const unmet = await client
      .authz({
        accessToken: await logIn(testWallet("solana")),
        requirements: { tokenIds: ["MintA"] },
      })
      .catch((error: unknown) => error);
    expect(isPicketApiError(unmet) && [unmet.status, unmet.code]).toEqual([
      403,
      "permission_denied",
    ]);
  });

  it("authorize(): refuses while short, then revalidates once after setBalance, then passes locally", async () => {
    const validator = stand.validator();
    const wallet = testWallet("ethereum");
    const accessToken = await logIn(wallet);
    const calls = () => stand.requests.filter((request) => request.path === "/authz").length;
    const before = calls();

    await expectCode(
      () => authorize(validator, client, accessToken, REQUIREMENTS),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(calls()).toBe(before + 1);

    stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: CONTRACT,
      amount: "2",
    });
    const fresh = createPicketClient({ secretKey: stand.secretKey, baseUrl: stand.baseUrl });
    const granted = await authorize(validator, fresh, accessToken, REQUIREMENTS);
    expect(granted.accessToken).not.toBe(accessToken);
    expect(granted.claims.tokenBalances).toEqual({ contractAddress: { [CONTRACT]: "2" } });
    expect(decodeUnverified(granted.accessToken).claims.sub).toBe(`ethereum:${wallet.address}`);
    expect(calls()).toBe(before + 2);

    const again = await authorize(validator, fresh, granted.accessToken, REQUIREMENTS);
    expect(again.accessToken).toBe(granted.accessToken);
    expect(calls()).toBe(before + 2);
  });
});
