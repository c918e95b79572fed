import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authorize, createPicketClient, type PicketClient } from "../../src/client/index.js";
import { decodeUnverified, type Requirements, type Validator } from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const REQUIREMENTS: Requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };

describe("authorize, at the edges", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let picket: PicketClient;
  let validator: Validator;

  const holding = (balance: string, claims: Record<string, unknown> = {}): string =>
    issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: balance } }, ...claims });

  beforeEach(async () => {
    issuer = createTestIssuer();
    standIn = await startPicketApiStandIn({ issuer });
    picket = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
    validator = issuer.validator();
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("reads a 403 without Picket's code as a refusal too", async () => {
    standIn.setHandler(() => error(403, undefined, "Forbidden"));
    const failure = await expectCode(
      () => authorize(validator, picket, holding("0"), REQUIREMENTS),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(failure.cause).toMatchObject({ status: 403, code: undefined });
  });

  it("reads permission_denied under another status as a refusal too", async () => {
    standIn.setHandler(() => error(400, "permission_denied", "Requirements not met"));
    const failure = await expectCode(
      () => authorize(validator, picket, holding("0"), REQUIREMENTS),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(failure.cause).toMatchObject({ status: 400, code: "permission_denied" });
  });

  it("refuses a fresh token of the same wallet on another chain: ERR_CLAIM_INVALID", async () => {
    const { walletAddress } = decodeUnverified(holding("0")).claims as { walletAddress: string };
    standIn.setHandler(() => {
      const accessToken = holding("5", { chain: "polygon", sub: `polygon:${walletAddress}` });
      return { json: { accessToken, user: decodeUnverified(accessToken).claims } };
    });
    const failure = await expectCode(
      () => authorize(validator, picket, holding("0"), REQUIREMENTS),
      "ERR_CLAIM_INVALID",
    );
    expect(failure.message).toBe(
      "Picket's re-authorized token names another chain or wallet than the token it replaces",
    );
  });

  it("does not remember a fresh token that fails for another reason than its balances", async () => {
    const token = holding("0");
    standIn.setHandler(() => {
      const accessToken = holding("5", { aud: "another-project" });
      return { json: { accessToken, user: decodeUnverified(accessToken).claims } };
    });
    await expectCode(
      () => authorize(validator, picket, token, REQUIREMENTS),
      "ERR_AUDIENCE_INVALID",
    );
    standIn.setHandler(undefined);
    standIn.balance = "5";
    await expect(authorize(validator, picket, token, REQUIREMENTS)).resolves.toBeDefined();
    expect(standIn.requests).toHaveLength(2);
  });

  it("asks Picket for a wallet off the list that falls short of a balance that would let it in", async () => {
    standIn.balance = "5";
    const token = holding("0");
    const requirements = {
      ...REQUIREMENTS,
      allowedWallets: ["0x00000000000000000000000000000000000000aa"],
    };
    const result = await authorize(validator, picket, token, requirements);
    expect(standIn.requests).toHaveLength(1);
    expect(result.accessToken).not.toBe(token);
  });

  it("treats an error that only looks like unmet requirements as final", async () => {
    const lookalike = Object.assign(new Error("requirements not met"), {
      code: "ERR_REQUIREMENTS_NOT_MET",
      failures: [{ requirement: "tokenBalance", reason: "insufficient_balance" }],
    });
    const odd: Validator = { ...validator, validate: () => Promise.reject(lookalike) };
    await expect(authorize(odd, picket, holding("0"), REQUIREMENTS)).rejects.toBe(lookalike);
    expect(standIn.requests).toHaveLength(0);
  });

  it("keys remembered verdicts by token IDs, in any order, and asks without a minimum", async () => {
    const token = issuer.sign({ tokenBalances: { tokenIds: { "1": "0", "2": "0", "3": "0" } } });
    const ids = (tokenIds: number[]): Requirements => ({ contractAddress: CONTRACT, tokenIds });
    for (const requirements of [ids([1, 2]), ids([2, 1]), ids([3])]) {
      await expectCode(
        () => authorize(validator, picket, token, requirements),
        "ERR_REQUIREMENTS_NOT_MET",
      );
    }
    expect(standIn.requests).toHaveLength(2);
    await expectCode(
      () => authorize(validator, picket, holding("0"), { contractAddress: CONTRACT }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(standIn.requests).toHaveLength(3);
  });

  it("takes a fresh token that spells the same wallet in another letter case", async () => {
    const original = holding("0");
    const { walletAddress } = decodeUnverified(original).claims as { walletAddress: string };
    const spelled =
      walletAddress.toLowerCase() === walletAddress
        ? walletAddress.toUpperCase().replace(/^0X/, "0x")
        : walletAddress.toLowerCase();
    standIn.setHandler(() => {
      const accessToken = holding("5", { walletAddress: spelled, sub: `ethereum:${spelled}` });
      return { json: { accessToken, user: decodeUnverified(accessToken).claims } };
    });
    const result = await authorize(validator, picket, original, REQUIREMENTS);
    expect(result.accessToken).not.toBe(original);
  });
});
