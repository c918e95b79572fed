import { afterEach, describe, expect, it } from "vitest";
import {
  createValidator,
  decodeUnverified,
  type Requirements,
  type Validator,
} from "../../src/index.js";
import { createTestIssuer, type JwksServer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { flipSignatureBit, tamperClaims } from "../helpers/forge.js";

const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const START = Date.UTC(2026, 5, 1);

interface Case {
  name: string;
  token: string;
  requirements?: Requirements;
  verdict: string;
}

/** Good and bad tokens with the verdict every path must agree on. */
function table(issuer: TestIssuer, stranger: TestIssuer): Case[] {
  const holder = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" });
  return [
    { name: "plain login", token: issuer.sign(), verdict: "valid" },
    {
      name: "holder meeting the minimum",
      token: holder,
      requirements: { contractAddress: CONTRACT, minTokenBalance: "2" },
      verdict: "valid",
    },
    {
      name: "holder below the minimum",
      token: holder,
      requirements: { contractAddress: CONTRACT, minTokenBalance: "2.0000001" },
      verdict: "ERR_REQUIREMENTS_NOT_MET",
    },
    { name: "expired", token: issuer.sign({}, { expiresIn: -10 }), verdict: "ERR_TOKEN_EXPIRED" },
    {
      name: "wrong audience",
      token: issuer.sign({ aud: "someone-else" }),
      verdict: "ERR_AUDIENCE_INVALID",
    },
    {
      name: "tampered signature",
      token: flipSignatureBit(issuer.sign()),
      verdict: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "tampered payload",
      token: tamperClaims(holder, { tokenBalance: "1000" }),
      verdict: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "foreign key",
      token: stranger.sign({ aud: issuer.projectId }),
      verdict: "ERR_SIGNATURE_INVALID",
    },
    { name: "no exp", token: issuer.sign({}, { omit: ["exp"] }), verdict: "ERR_CLAIM_INVALID" },
    { name: "not a token", token: "abc.def", verdict: "ERR_TOKEN_MALFORMED" },
  ];
}

async function verdict(run: () => unknown): Promise<string> {
  try {
    await run();
    return "valid";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("fast paths agree with the ordinary path", () => {
  const clock = createManualClock(START);
  const issuer = createTestIssuer({ clock: clock.now });
  const stranger = createTestIssuer({ clock: clock.now });
  const cases = table(issuer, stranger);

  it.each(cases)(
    "$name: $verdict on every path",
    async ({ token, requirements, verdict: expected }) => {
      const cached = issuer.validator({ clock: clock.now });
      const uncached = issuer.validator({ clock: clock.now, tokenCache: false });
      await cached.ready();
      await uncached.ready();
      const verdicts = [
        await verdict(() => uncached.validate(token, requirements)),
        await verdict(() => uncached.validateSync(token, requirements)),
        await verdict(() => cached.validate(token, requirements)),
        await verdict(() => cached.validate(token, requirements)),
        await verdict(() => cached.validateSync(token, requirements)),
      ];
      // 64 at once: all but the first overlap and verify on the thread pool.
      const concurrent = await Promise.all(
        Array.from({ length: 64 }, () => verdict(() => uncached.validate(token, requirements))),
      );
      expect(verdicts).toEqual(Array(5).fill(expected));
      expect(concurrent).toEqual(Array(64).fill(expected));
    },
  );

  it("gives each token its own verdict when good and bad tokens overlap", async () => {
    const validator = issuer.validator({ clock: clock.now, tokenCache: false });
    await validator.ready();
    const mixed = Array.from({ length: 8 }, () => cases).flat();
    const results = await Promise.all(
      mixed.map(({ token, requirements }) =>
        verdict(() => validator.validate(token, requirements)),
      ),
    );
    expect(results).toEqual(mixed.map((entry) => entry.verdict));
  });
});

describe("verified-token cache", () => {
  let server: JwksServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves a repeated token from the cache: the same frozen claims object", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign();
    // A token is cached on its second sight: the first is only marked.
    const seen = await validator.validate(token);
    const first = await validator.validate(token);
    expect(first).not.toBe(seen);
    expect(await validator.validate(token)).toBe(first);
    expect(validator.validateSync(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const uncached = issuer.validator({ tokenCache: false });
    expect(await uncached.validate(token)).not.toBe(await uncached.validate(token));
  });

  it.each([
    ["with iat", []],
    ["without iat", ["iat"]],
  ])("never outlives the token's exp (%s)", async (_, omit) => {
    const clock = createManualClock(START);
    const issuer = createTestIssuer({ clock: clock.now });
    const validator = issuer.validator({ clock: clock.now });
    const token = issuer.sign({}, { expiresIn: 60, omit });
    await validator.validate(token);
    const first = await validator.validate(token);
    clock.advance(59_000);
    expect(await validator.validate(token)).toBe(first);
    clock.advance(1_000);
    await expectCode(() => validator.validate(token), "ERR_TOKEN_EXPIRED");
    await expectCode(() => validator.validateSync(token), "ERR_TOKEN_EXPIRED");
  });

  it("applies clockTolerance to cached tokens as to new ones", async () => {
    const clock = createManualClock(START);
    const issuer = createTestIssuer({ clock: clock.now });
    const validator = issuer.validator({ clock: clock.now, clockTolerance: 30 });
    const token = issuer.sign({}, { expiresIn: 60 });
    await validator.validate(token);
    clock.advance(89_000);
    await expect(validator.validate(token)).resolves.toBeDefined();
    clock.advance(1_000);
    await expectCode(() => validator.validate(token), "ERR_TOKEN_EXPIRED");
  });

  it("re-checks maxTokenAge on every hit", async () => {
    const clock = createManualClock(START);
    const issuer = createTestIssuer({ clock: clock.now });
    const validator = issuer.validator({ clock: clock.now, maxTokenAge: 300 });
    const token = issuer.sign({}, { expiresIn: 3600 });
    await validator.validate(token);
    clock.advance(300_000);
    await expect(validator.validate(token)).resolves.toBeDefined();
    clock.advance(1_000);
    await expectCode(() => validator.validate(token), "ERR_CLAIM_INVALID");
  });

  it("evaluates each call's requirements against a cached token", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator();
    const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2.5" });
    await validator.validate(token);
    const first = await validator.validate(token, {
      contractAddress: CONTRACT,
      minTokenBalance: 2,
    });
    const error = await expectCode(
      () => validator.validate(token, { contractAddress: CONTRACT, minTokenBalance: "2.6" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(error.failures[0]).toMatchObject({ required: "2.6", actual: "2.5" });
    await expectCode(
      () => validator.validate(token, { chain: "solana" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(await validator.validate(token)).toBe(first);
  });

  it("drops entries of a key that left the key set", async () => {
    const clock = createManualClock(START);
    const issuer = createTestIssuer({ kid: "first", clock: clock.now });
    server = await issuer.serve();
    const validator = createValidator({
      projectId: issuer.projectId,
      jwksUri: server.jwksUri,
      clock: clock.now,
    });
    const token = issuer.sign();
    await validator.validate(token);
    issuer.rotate();
    await validator.refresh();
    await expectCode(() => validator.validate(token), "ERR_KEY_NOT_FOUND");
    await expectCode(() => validator.validateSync(token), "ERR_KEY_NOT_FOUND");
    await expect(validator.validate(issuer.sign())).resolves.toBeDefined();
  });

  it("is bounded by tokenCache.max", async () => {
    const issuer = createTestIssuer();
    const validator = issuer.validator({ tokenCache: { max: 2 } });
    const tokens = [issuer.sign(), issuer.sign(), issuer.sign()];
    const first = await validator.validate(tokens[0] as string);
    await validator.validate(tokens[1] as string);
    await validator.validate(tokens[2] as string);
    const again = await validator.validate(tokens[0] as string);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});

describe("tokens without kid", () => {
  it("find their key among several, whichever signed the last one", async () => {
    const issuers = [createTestIssuer(), createTestIssuer(), createTestIssuer()];
    const projectId = "shared-project";
    const validator: Validator = createValidator({
      projectId,
      jwks: { keys: issuers.flatMap((issuer) => issuer.jwks.keys) },
      tokenCache: false,
    });
    await validator.ready();
    const order = [2, 2, 0, 1, 1, 2, 0, 0];
    for (const index of order) {
      const token = (issuers[index] as TestIssuer).sign({ aud: projectId });
      expect(decodeUnverified(token).header.kid).toBeUndefined();
      await expect(validator.validate(token)).resolves.toMatchObject({ aud: projectId });
      expect(validator.validateSync(token).aud).toBe(projectId);
    }
  });
});

describe("requirements passed again and again", () => {
  const issuer = createTestIssuer();
  const wallet = issuer.walletAddress;
  const token = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" });

  it.each([true, false])(
    "are read anew when the same object is changed (token cache %s)",
    async (cached) => {
      const validator = issuer.validator(cached ? {} : { tokenCache: false });
      const requirements: Requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };
      await expect(validator.validate(token, requirements)).resolves.toBeDefined();
      requirements.minTokenBalance = "3";
      await expectCode(() => validator.validate(token, requirements), "ERR_REQUIREMENTS_NOT_MET");
      requirements.minTokenBalance = 2;
      expect(validator.validateSync(token, requirements).walletAddress).toBe(wallet);
      delete requirements.minTokenBalance;
      (requirements as Record<string, unknown>).chain = "solana";
      await expectCode(() => validator.validate(token, requirements), "ERR_REQUIREMENTS_NOT_MET");
    },
  );

  it("notice a change inside an array", async () => {
    const validator = issuer.validator();
    const allowedWallets = [wallet];
    const requirements = { allowedWallets };
    await expect(validator.validate(token, requirements)).resolves.toBeDefined();
    allowedWallets[0] = "0x0000000000000000000000000000000000000001";
    await expectCode(() => validator.validate(token, requirements), "ERR_REQUIREMENTS_NOT_MET");
    allowedWallets.push(wallet.toLowerCase());
    await expect(validator.validate(token, requirements)).resolves.toBeDefined();
  });

  it("notice a key replaced by another", async () => {
    const validator = issuer.validator();
    const requirements: Record<string, unknown> = { chain: undefined };
    await expect(validator.validate(token, requirements)).resolves.toBeDefined();
    delete requirements.chain;
    requirements.allowedWallets = ["0x0000000000000000000000000000000000000001"];
    await expectCode(() => validator.validate(token, requirements), "ERR_REQUIREMENTS_NOT_MET");
  });
});

describe("where signatures are verified", () => {
  const issuer = createTestIssuer();

  it("verifies a lone call on this thread: it settles before the event loop turns", async () => {
    const validator = issuer.validator({ tokenCache: false });
    await validator.ready();
    let loopTurned = false;
    setImmediate(() => {
      loopTurned = true;
    });
    await validator.validate(issuer.sign());
    expect(loopTurned).toBe(false);
  });

  it("sends overlapping calls to the thread pool: the event loop turns while they verify", async () => {
    const validator = issuer.validator({ tokenCache: false });
    await validator.ready();
    let loopTurned = false;
    setImmediate(() => {
      loopTurned = true;
    });
    const tokens = Array.from({ length: 16 }, () => issuer.sign());
    const results = await Promise.all(tokens.map((token) => validator.validate(token)));
    expect(results).toHaveLength(16);
    expect(loopTurned).toBe(true);
  });
});
