import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  authorize,
  createPicketClient,
  isPicketApiError,
  type PicketClient,
} from "../../src/client/index.js";
import {
  decodeUnverified,
  isPicketValidationError,
  type Requirements,
  type Validator,
} from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock, type ManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { signatureOf, spellingsOf, tokenParts, withSignature } from "../helpers/forge.js";
import {
  error,
  type PicketApiStandIn,
  type StandInReply,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const REQUIREMENTS: Requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };
/** The order of P-256. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * The 16 spellings of a token that differ only in the unused low bits of the signature's last
 * base64url character (64 bytes = 85⅓ characters: the last one carries 2 bits of the signature).
 */
function spellings(token: string): string[] {
  return spellingsOf(tokenParts(token)[2]).map((signature) => withSignature(token, signature));
}

/** The same token with the other valid ECDSA signature over the same bytes: (r, n - s). */
function highSTwin(token: string): string {
  const bytes = signatureOf(token);
  const s = BigInt(`0x${bytes.subarray(32).toString("hex")}`);
  const twin = Buffer.concat([
    bytes.subarray(0, 32),
    Buffer.from((P256_N - s).toString(16).padStart(64, "0"), "hex"),
  ]);
  return withSignature(token, twin);
}

describe("authorize", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let picket: PicketClient;
  let validator: Validator;

  /** A token of the issuer's wallet holding `balance` of the contract. */
  const holding = (balance: string, claims: Record<string, unknown> = {}): string =>
    issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: balance } }, ...claims });

  /** An `/authz` answer carrying this token. */
  const answerWith = (accessToken: string): StandInReply => ({
    json: { accessToken, user: decodeUnverified(accessToken).claims },
  });

  beforeEach(async () => {
    issuer = createTestIssuer();
    standIn = await startPicketApiStandIn({ issuer });
    picket = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
    validator = issuer.validator();
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("makes no call when the token meets the requirements locally", async () => {
    const token = holding("3");
    const result = await authorize(validator, picket, token, REQUIREMENTS);
    expect(result.accessToken).toBe(token);
    expect(result.claims.tokenBalances?.contractAddress?.[CONTRACT]).toBe("3");
    expect(standIn.requests).toHaveLength(0);
  });

  it("makes exactly one authz call when they fail, and returns the fresh token", async () => {
    const token = holding("0");
    standIn.balance = "5";
    const result = await authorize(validator, picket, token, REQUIREMENTS);
    expect(standIn.requests).toHaveLength(1);
    const [request] = standIn.requests;
    expect(request?.path).toBe("/authz");
    expect(request?.body).toEqual({
      accessToken: token,
      requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
      revalidate: true,
    });
    expect(result.accessToken).not.toBe(token);
    expect(result.claims.tokenBalances?.contractAddress?.[CONTRACT]).toBe("5");
    // The fresh token stands on its own: it passes without Picket from now on.
    await expect(validator.validate(result.accessToken, REQUIREMENTS)).resolves.toBeDefined();
  });

  it("checks chain locally and does not send it to Picket", async () => {
    standIn.balance = "5";
    await authorize(validator, picket, holding("0"), { ...REQUIREMENTS, chain: "ethereum" });
    expect(standIn.requests[0]?.body).toMatchObject({
      requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
    });
    expect(standIn.requests[0]?.body).not.toHaveProperty("requirements.chain");
  });

  it("shares one authz call among 50 concurrent identical requests", async () => {
    standIn.balance = "5";
    // Picket answers only after every caller has had time to ask.
    standIn.setHandler(
      (request, fallback) =>
        new Promise((resolve) => setTimeout(() => resolve(fallback(request)), 200)),
    );
    const token = holding("0");
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        authorize(validator, picket, token, { minTokenBalance: 2, contractAddress: CONTRACT }),
      ),
    );
    expect(standIn.requests).toHaveLength(1);
    expect(new Set(results.map((result) => result.accessToken)).size).toBe(1);
    expect(results[0]?.accessToken).not.toBe(token);
  });

  it("asks once per token and requirements: a passing answer is remembered, other requirements ask", async () => {
    standIn.balance = "5";
    const token = holding("0");
    const first = await authorize(validator, picket, token, REQUIREMENTS);
    const again = await authorize(validator, picket, token, REQUIREMENTS);
    expect(again.accessToken).toBe(first.accessToken);
    expect(standIn.requests).toHaveLength(1);
    await Promise.all([
      authorize(validator, picket, token, REQUIREMENTS),
      authorize(validator, picket, token, { contractAddress: CONTRACT, minTokenBalance: "3" }),
    ]);
    expect(standIn.requests).toHaveLength(2);
  });

  describe("never trusts an authz answer that fails local validation", () => {
    it("wrong audience: ERR_AUDIENCE_INVALID", async () => {
      standIn.setHandler(() => answerWith(holding("5", { aud: "another-project" })));
      await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_AUDIENCE_INVALID",
      );
      expect(standIn.requests).toHaveLength(1);
    });

    it("bad signature: ERR_SIGNATURE_INVALID", async () => {
      const impostor = createTestIssuer({ projectId: issuer.projectId });
      standIn.setHandler(() =>
        answerWith(impostor.sign({ tokenBalances: { contractAddress: { [CONTRACT]: "5" } } })),
      );
      await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_SIGNATURE_INVALID",
      );
    });

    it("requirements still unmet: ERR_REQUIREMENTS_NOT_MET", async () => {
      standIn.balance = "1";
      const failure = await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(failure.failures[0]).toMatchObject({ reason: "insufficient_balance", actual: "1" });
      expect(standIn.requests).toHaveLength(1);
    });

    it("expired: ERR_TOKEN_EXPIRED", async () => {
      standIn.setHandler(() => answerWith(issuer.sign({}, { expiresIn: -60 })));
      await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_TOKEN_EXPIRED",
      );
    });

    it("not a token: ERR_TOKEN_MALFORMED", async () => {
      standIn.setHandler(() => ({ json: { accessToken: "not-a-jwt", user: {} } }));
      await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_TOKEN_MALFORMED",
      );
    });

    it("another wallet: ERR_CLAIM_INVALID", async () => {
      const other = "0x1111111111111111111111111111111111111111";
      standIn.setHandler(() =>
        answerWith(holding("5", { walletAddress: other, sub: `ethereum:${other}` })),
      );
      await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_CLAIM_INVALID",
      );
    });
  });

  describe("any other local failure is final and makes no call", () => {
    it("expired token: ERR_TOKEN_EXPIRED", async () => {
      const token = issuer.sign(
        { tokenBalances: { contractAddress: { [CONTRACT]: "0" } } },
        { expiresIn: -60 },
      );
      await expectCode(
        () => authorize(validator, picket, token, REQUIREMENTS),
        "ERR_TOKEN_EXPIRED",
      );
      expect(standIn.requests).toHaveLength(0);
    });

    it("token of another issuer: ERR_SIGNATURE_INVALID", async () => {
      const token = createTestIssuer({ projectId: issuer.projectId }).sign();
      await expectCode(
        () => authorize(validator, picket, token, REQUIREMENTS),
        "ERR_SIGNATURE_INVALID",
      );
      expect(standIn.requests).toHaveLength(0);
    });

    it("wrong chain, which fresh balances cannot change: ERR_REQUIREMENTS_NOT_MET", async () => {
      await expectCode(
        () => authorize(validator, picket, holding("0"), { ...REQUIREMENTS, chain: "solana" }),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(0);
    });

    it("a wallet not on the list, without token requirements: ERR_REQUIREMENTS_NOT_MET", async () => {
      await expectCode(
        () =>
          authorize(validator, picket, holding("0"), { allowedWallets: [`0x${"ab".repeat(20)}`] }),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(0);
    });
  });

  describe("rationing Picket calls", () => {
    let clock: ManualClock;
    let rationed: PicketClient;
    beforeEach(() => {
      clock = createManualClock();
      rationed = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        clock: clock.now,
      });
    });

    it("100 requests of a token short of balance make 1 authz call per 60 s cooldown", async () => {
      standIn.balance = "1";
      const token = holding("0");
      for (let request = 0; request < 100; request += 1) {
        const failure = await expectCode(
          () => authorize(validator, rationed, token, REQUIREMENTS),
          "ERR_REQUIREMENTS_NOT_MET",
        );
        expect(failure.failures[0]).toMatchObject({ reason: "insufficient_balance", actual: "1" });
        clock.advance(500);
      }
      expect(standIn.requests).toHaveLength(1);
      clock.advance(10_000);
      await expectCode(
        () => authorize(validator, rationed, token, REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(2);
    });

    it("knows a token without tid by its signed bytes: its spellings share one verdict", async () => {
      standIn.balance = "1";
      const token = issuer.sign(
        { tokenBalances: { contractAddress: { [CONTRACT]: "0" } } },
        { omit: ["tid"] },
      );
      expect(decodeUnverified(token).claims.tid).toBeUndefined();
      for (const spelling of [...spellings(token), ...spellings(highSTwin(token))]) {
        const verdict = await authorize(validator, rationed, spelling, REQUIREMENTS).catch(
          (error: unknown) => error,
        );
        expect(isPicketValidationError(verdict), String(verdict)).toBe(true);
      }
      expect(standIn.requests.length).toBeLessThanOrEqual(1);
    });

    it("remembers Picket's refusal (403) as well, with Picket's answer as cause", async () => {
      standIn.setHandler(() => error(403, "permission_denied", "Requirements not met"));
      const token = holding("0");
      for (let request = 0; request < 3; request += 1) {
        const failure = await expectCode(
          () => authorize(validator, rationed, token, REQUIREMENTS),
          "ERR_REQUIREMENTS_NOT_MET",
        );
        expect(failure.cause).toMatchObject({ status: 403, code: "permission_denied" });
      }
      expect(standIn.requests).toHaveLength(1);
    });

    it("keys requirements by what they mean, not how they are written", async () => {
      const token = holding("0");
      for (const requirements of [
        REQUIREMENTS,
        { minTokenBalance: 2, contractAddress: CONTRACT },
        { contractAddress: CONTRACT, minTokenBalance: 2n },
        { contractAddress: CONTRACT, minTokenBalance: "2.000" },
      ]) {
        await expectCode(
          () => authorize(validator, rationed, token, requirements),
          "ERR_REQUIREMENTS_NOT_MET",
        );
      }
      expect(standIn.requests).toHaveLength(1);
      await expectCode(
        () => authorize(validator, rationed, token, { ...REQUIREMENTS, minTokenBalance: "3" }),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(2);
    });

    it("remembers per token and per validator: another token or validator asks again", async () => {
      await expectCode(
        () => authorize(validator, rationed, holding("0"), REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      const token = holding("0");
      await expectCode(
        () => authorize(validator, rationed, token, REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      await expectCode(
        () => authorize(issuer.validator(), rationed, token, REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(3);
    });

    it("repeats an outage until the next call is due, then remembers the success", async () => {
      standIn.setHandler(() => error(503, undefined, "Try again later"));
      const token = holding("0");
      for (let request = 0; request < 2; request += 1) {
        await expect(authorize(validator, rationed, token, REQUIREMENTS)).rejects.toMatchObject({
          name: "PicketApiError",
          status: 503,
        });
      }
      expect(standIn.requests).toHaveLength(1);
      standIn.setHandler(undefined);
      standIn.balance = "5";
      clock.advance(60_000);
      await authorize(validator, rationed, token, REQUIREMENTS);
      await authorize(validator, rationed, token, REQUIREMENTS);
      expect(standIn.requests).toHaveLength(2);
    });

    it("takes revalidateCooldown in milliseconds, at least 1_000", async () => {
      const short = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        clock: clock.now,
        revalidateCooldown: 5_000,
      });
      const token = holding("0");
      await expectCode(
        () => authorize(validator, short, token, REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      clock.advance(4_999);
      await expectCode(
        () => authorize(validator, short, token, REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(1);
      clock.advance(1);
      await expectCode(
        () => authorize(validator, short, token, REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(standIn.requests).toHaveLength(2);
      for (const [revalidateCooldown, amounts] of [
        [0, "0 is 0 ms; it must be at least 1000 ms (1 s)"],
        [999, "999 is 999 ms; it must be at least 1000 ms (1 s); did you mean 999_000 (16.6 min)?"],
        ["0.5s", '"0.5s" is 500 ms; it must be at least 1000 ms (1 s)'],
      ] as const) {
        expect(() => createPicketClient({ secretKey: "sk_a", revalidateCooldown })).toThrow(
          new TypeError(
            `createPicketClient: options.revalidateCooldown is in milliseconds: ${amounts}`,
          ),
        );
      }
      expect(() =>
        createPicketClient({ secretKey: "sk_a", revalidateCooldown: Number.NaN }),
      ).toThrow(TypeError);
      // A string with a unit reads as its milliseconds.
      expect(() =>
        createPicketClient({ secretKey: "sk_a", revalidateCooldown: "60s" }),
      ).not.toThrow();
    });

    it("rations a client made otherwise too, with the 60 s default", async () => {
      const calls: string[] = [];
      const foreign = {
        authz: async (request: { accessToken: string }) => {
          calls.push(request.accessToken);
          return picket.authz({ ...request, requirements: REQUIREMENTS, revalidate: true });
        },
      } as unknown as PicketClient;
      const token = holding("0");
      for (let request = 0; request < 5; request += 1) {
        await expectCode(
          () => authorize(validator, foreign, token, REQUIREMENTS),
          "ERR_REQUIREMENTS_NOT_MET",
        );
      }
      expect(calls).toEqual([token]);
    });

    it.each([
      ["short of balance at Picket too", "0"],
      ["with enough balance at Picket", "5"],
    ])(
      "64 concurrent requests over 32 spellings of one token (16 each of it and its high-S twin), %s: at most 1 call",
      async (_case, balance) => {
        standIn.balance = balance;
        const token = holding("0");
        const variants = [...spellings(token), ...spellings(highSTwin(token))];
        expect(new Set(variants).size).toBe(32);
        const inputs = new Set(variants);

        // Picket answers only once every request has been judged locally and has asked.
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let judged = 0;
        const counting: Validator = {
          ...validator,
          validate(accessToken, requirements) {
            const verdict = validator.validate(accessToken, requirements);
            if (inputs.has(accessToken)) {
              verdict.catch(() => {
                judged += 1;
                if (judged === 64) setImmediate(release);
              });
            }
            return verdict;
          },
        };
        standIn.setHandler(async (request, fallback) => {
          await gate;
          return fallback(request);
        });

        const results = await Promise.allSettled(
          Array.from({ length: 64 }, (_, index) =>
            authorize(counting, rationed, variants[index % 32] as string, REQUIREMENTS),
          ),
        );
        expect(standIn.requests.length).toBeLessThanOrEqual(1);
        for (const result of results) {
          if (result.status === "rejected") {
            expect(isPicketValidationError(result.reason), String(result.reason)).toBe(true);
          } else {
            expect(result.value.claims.tokenBalances?.contractAddress?.[CONTRACT]).toBe(balance);
          }
        }
      },
    );
  });

  describe("when Picket answers with an error", () => {
    it("a refusal (403) is ERR_REQUIREMENTS_NOT_MET, with Picket's answer as cause", async () => {
      standIn.setHandler(() => error(403, "permission_denied", "Requirements not met"));
      const failure = await expectCode(
        () => authorize(validator, picket, holding("0"), REQUIREMENTS),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(failure.failures[0]).toMatchObject({ reason: "insufficient_balance", actual: "0" });
      expect(isPicketApiError(failure.cause)).toBe(true);
      expect(failure.cause).toMatchObject({ status: 403, code: "permission_denied" });
    });

    it("an outage stays a PicketApiError, not a verdict on the wallet", async () => {
      standIn.setHandler(() => error(503, undefined, "Try again later"));
      const rejection = authorize(validator, picket, holding("0"), REQUIREMENTS);
      await expect(rejection).rejects.toSatisfy(isPicketApiError);
      await expect(rejection).rejects.toMatchObject({ status: 503, endpoint: "POST /authz" });
    });
  });

  describe("at the edges", () => {
    it("refuses a validator or client that is not one, before any check or call", async () => {
      const token = holding("0");
      await expect(authorize({} as never, picket, token, REQUIREMENTS)).rejects.toThrow(
        new TypeError(
          "authorize(validator, client, accessToken, requirements): validator must be a createValidator validator",
        ),
      );
      await expect(authorize(validator, true as never, token, REQUIREMENTS)).rejects.toThrow(
        new TypeError(
          "authorize(validator, client, accessToken, requirements): client must be a createPicketClient client",
        ),
      );
      expect(standIn.requests).toHaveLength(0);
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

    it("repeats a fresh token's failure for another reason than balances until the cooldown ends", async () => {
      const clock = createManualClock();
      const rationed = createPicketClient({
        secretKey: standIn.secretKey,
        baseUrl: standIn.baseUrl,
        clock: clock.now,
      });
      const token = holding("0");
      standIn.setHandler(() => {
        const accessToken = holding("5", { aud: "another-project" });
        return { json: { accessToken, user: decodeUnverified(accessToken).claims } };
      });
      for (let request = 0; request < 2; request += 1) {
        await expectCode(
          () => authorize(validator, rationed, token, REQUIREMENTS),
          "ERR_AUDIENCE_INVALID",
        );
      }
      expect(standIn.requests).toHaveLength(1);
      standIn.setHandler(undefined);
      standIn.balance = "5";
      clock.advance(60_000);
      await expect(authorize(validator, rationed, token, REQUIREMENTS)).resolves.toBeDefined();
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
});
