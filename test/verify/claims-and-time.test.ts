import { beforeEach, describe, expect, it } from "vitest";
import { PICKET_ISSUER, type PicketClaims, type ValidatorOptions } from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock, type ManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { flipSignatureBit, forgeToken, privateKeyOf } from "../helpers/forge.js";

const SECOND = 1000;

let clock: ManualClock;
let issuer: TestIssuer;

/** Seconds since the epoch on the manual clock. */
function nowSeconds(): number {
  return Math.floor(clock.now() / SECOND);
}

function validatorWith(options: Partial<ValidatorOptions> = {}) {
  return issuer.validator({ clock: clock.now, ...options });
}

/** Signs a payload given as raw JSON text with the issuer's key (for values JSON.stringify cannot write). */
function signRawPayload(payloadJson: string): string {
  return forgeToken({ alg: "ES256", typ: "JWT" }, payloadJson, privateKeyOf(issuer));
}

beforeEach(() => {
  clock = createManualClock();
  issuer = createTestIssuer({ clock: clock.now });
});

describe("exp", () => {
  it("accepts a fresh token and reports its exp", async () => {
    const claims = await validatorWith().validate(issuer.sign({}, { expiresIn: 60 }));
    expect(claims.exp).toBe(nowSeconds() + 60);
  });

  it("rejects an expired token", async () => {
    const token = issuer.sign({}, { expiresIn: 60 });
    clock.advance(61 * SECOND);
    const error = await expectCode(() => validatorWith().validate(token), "ERR_TOKEN_EXPIRED");
    expect(error.status).toBe(401);
  });

  it("treats a token as expired exactly at exp, and valid just before", async () => {
    const token = issuer.sign({}, { expiresIn: 60 });
    const validator = validatorWith({ tokenCache: false });
    clock.advance(60 * SECOND - 1);
    expect((await validator.validate(token)).exp).toBe(nowSeconds() + 1);
    clock.advance(1);
    await expectCode(() => validator.validate(token), "ERR_TOKEN_EXPIRED");
  });

  it("expires a token that was cached while it was valid", async () => {
    const token = issuer.sign({}, { expiresIn: 60 });
    const validator = validatorWith();
    await validator.validate(token);
    clock.advance(60 * SECOND);
    await expectCode(() => validator.validate(token), "ERR_TOKEN_EXPIRED");
    await expectCode(() => validator.validateSync(token), "ERR_TOKEN_EXPIRED");
  });

  it("accepts an expired token within clockTolerance, and not beyond it", async () => {
    const token = issuer.sign({}, { expiresIn: 60 });
    const tolerant = validatorWith({ clockTolerance: 30, tokenCache: false });
    clock.advance(89 * SECOND);
    expect((await tolerant.validate(token)).aud).toBe(issuer.projectId);
    await expectCode(() => validatorWith().validate(token), "ERR_TOKEN_EXPIRED");
    clock.advance(1 * SECOND);
    await expectCode(() => tolerant.validate(token), "ERR_TOKEN_EXPIRED");
  });

  it("rejects a token without exp (and without ext)", async () => {
    const token = issuer.sign({}, { omit: ["exp"] });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });

  it("accepts the legacy ext claim and normalizes it into exp", async () => {
    const ext = nowSeconds() + 600;
    const claims = await validatorWith().validate(issuer.sign({ ext }, { omit: ["exp"] }));
    expect(claims.exp).toBe(ext);
    expect(claims.ext).toBe(ext);
  });

  it("rejects an expired legacy ext", async () => {
    const token = issuer.sign({ ext: nowSeconds() + 10 }, { omit: ["exp"] });
    clock.advance(11 * SECOND);
    await expectCode(() => validatorWith().validate(token), "ERR_TOKEN_EXPIRED");
  });

  it("prefers exp over ext when both are present", async () => {
    const token = issuer.sign({ exp: nowSeconds() - 1, ext: nowSeconds() + 600 });
    await expectCode(() => validatorWith().validate(token), "ERR_TOKEN_EXPIRED");
    const claims = await validatorWith().validate(
      issuer.sign({ exp: nowSeconds() + 60, ext: nowSeconds() - 600 }),
    );
    expect(claims.exp).toBe(nowSeconds() + 60);
  });

  it("accepts exp 1e308, a valid far-future number", async () => {
    const claims = await validatorWith().validate(issuer.sign({ exp: 1e308 }));
    expect(claims.exp).toBe(1e308);
  });

  it("rejects exp written as 1e999 (Infinity once parsed)", async () => {
    const payload = `{"iss":"${PICKET_ISSUER}","aud":"${issuer.projectId}","sub":"solana:Abc","iat":${nowSeconds()},"exp":1e999}`;
    await expectCode(() => validatorWith().validate(signRawPayload(payload)), "ERR_CLAIM_INVALID");
  });
});

describe("time claims of the wrong type", () => {
  const wrongValues: [string, unknown][] = [
    ["a numeric string", "1893456000"],
    ["the string NaN", "NaN"],
    ["the string Infinity", "Infinity"],
    ["null", null],
    ["true", true],
    ["false", false],
    ["an object", { value: 1893456000 }],
    ["an array", [1893456000]],
  ];

  it.each(wrongValues)("rejects exp as %s", async (_name, value) => {
    const token = issuer.sign({ exp: value as number });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });

  it.each(wrongValues)("rejects legacy ext as %s", async (_name, value) => {
    const token = issuer.sign({ ext: value as number }, { omit: ["exp"] });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });

  it.each(wrongValues)("rejects nbf as %s", async (_name, value) => {
    const token = issuer.sign({ nbf: value as number });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });

  it.each(wrongValues)("rejects iat as %s", async (_name, value) => {
    const token = issuer.sign({ iat: value as number });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });
});

describe("nbf and iat", () => {
  it("rejects nbf more than futureSkew (60 s by default) in the future", async () => {
    const token = issuer.sign({ nbf: nowSeconds() + 61 });
    const error = await expectCode(
      () => validatorWith().validate(token),
      "ERR_TOKEN_NOT_YET_VALID",
    );
    expect(error.status).toBe(401);
  });

  it("accepts nbf equal to now, and nbf in the past", async () => {
    await validatorWith().validate(issuer.sign({ nbf: nowSeconds() }));
    await validatorWith().validate(issuer.sign({ nbf: nowSeconds() - 3600 }));
  });

  it("accepts a token minted by a clock ahead of ours by default: nbf and iat 5 s ahead, not 120 s", async () => {
    const validator = validatorWith({ tokenCache: false });
    const ahead = nowSeconds() + 5;
    const claims = await validator.validate(issuer.sign({ nbf: ahead, iat: ahead }));
    expect([claims.nbf, claims.iat]).toEqual([ahead, ahead]);
    const nbf = await expectCode(
      () => validator.validate(issuer.sign({ nbf: nowSeconds() + 120 })),
      "ERR_TOKEN_NOT_YET_VALID",
    );
    expect(nbf.claim).toBe("nbf");
    const iat = await expectCode(
      () => validator.validate(issuer.sign({ iat: nowSeconds() + 120 })),
      "ERR_TOKEN_NOT_YET_VALID",
    );
    expect(iat.claim).toBe("iat");
  });

  it("takes futureSkew in seconds or with a unit, 0 for none", async () => {
    const token = issuer.sign({ nbf: nowSeconds() + 120, iat: nowSeconds() + 120 });
    expect((await validatorWith({ futureSkew: "2m" }).validate(token)).nbf).toBe(
      nowSeconds() + 120,
    );
    await expectCode(
      () => validatorWith({ futureSkew: 119 }).validate(token),
      "ERR_TOKEN_NOT_YET_VALID",
    );
    await expectCode(
      () => validatorWith({ futureSkew: 0 }).validate(issuer.sign({ nbf: nowSeconds() + 1 })),
      "ERR_TOKEN_NOT_YET_VALID",
    );
  });

  it("leaves exp exact: futureSkew gives an expired token no leeway", async () => {
    const token = issuer.sign({}, { expiresIn: 60 });
    clock.advance(60 * SECOND);
    await expectCode(
      () => validatorWith({ futureSkew: 300, tokenCache: false }).validate(token),
      "ERR_TOKEN_EXPIRED",
    );
  });

  it("accepts a future nbf within clockTolerance, not beyond it", async () => {
    const tolerant = validatorWith({ clockTolerance: 90 });
    const claims = await tolerant.validate(issuer.sign({ nbf: nowSeconds() + 90 }));
    expect(claims.nbf).toBe(nowSeconds() + 90);
    await expectCode(
      () => tolerant.validate(issuer.sign({ nbf: nowSeconds() + 91 })),
      "ERR_TOKEN_NOT_YET_VALID",
    );
  });

  it("becomes valid once the clock reaches nbf", async () => {
    const token = issuer.sign({ nbf: nowSeconds() + 60 });
    const validator = validatorWith({ futureSkew: 0 });
    await expectCode(() => validator.validate(token), "ERR_TOKEN_NOT_YET_VALID");
    clock.advance(60 * SECOND);
    expect((await validator.validate(token)).aud).toBe(issuer.projectId);
  });

  it("rejects iat in the future", async () => {
    const token = issuer.sign({ iat: nowSeconds() + 30 });
    await expectCode(
      () => validatorWith({ futureSkew: 0 }).validate(token),
      "ERR_TOKEN_NOT_YET_VALID",
    );
  });

  it("accepts a future iat within clockTolerance", async () => {
    const token = issuer.sign({ iat: nowSeconds() + 30 });
    expect((await validatorWith({ clockTolerance: 30, futureSkew: 0 }).validate(token)).iat).toBe(
      nowSeconds() + 30,
    );
  });
});

describe("maxTokenAge", () => {
  it("accepts a token up to maxTokenAge seconds old, rejects it after", async () => {
    const token = issuer.sign({}, { expiresIn: 3600 });
    const validator = validatorWith({ maxTokenAge: 300, tokenCache: false });
    clock.advance(300 * SECOND);
    expect((await validator.validate(token)).aud).toBe(issuer.projectId);
    clock.advance(1 * SECOND);
    const error = await expectCode(() => validator.validate(token), "ERR_CLAIM_INVALID");
    expect(error.status).toBe(401);
  });

  it("is not enforced without the option", async () => {
    const token = issuer.sign({}, { expiresIn: 86_400 });
    clock.advance(3600 * SECOND);
    expect((await validatorWith().validate(token)).aud).toBe(issuer.projectId);
    await expectCode(
      () => validatorWith({ maxTokenAge: 600 }).validate(token),
      "ERR_CLAIM_INVALID",
    );
  });

  it("rejects a token without iat when maxTokenAge is set", async () => {
    const token = issuer.sign({}, { omit: ["iat"] });
    expect((await validatorWith().validate(token)).aud).toBe(issuer.projectId);
    await expectCode(
      () => validatorWith({ maxTokenAge: 3600 }).validate(token),
      "ERR_CLAIM_INVALID",
    );
  });

  it("extends maxTokenAge by clockTolerance", async () => {
    const token = issuer.sign({}, { expiresIn: 3600 });
    clock.advance(310 * SECOND);
    await expectCode(
      () => validatorWith({ maxTokenAge: 300 }).validate(token),
      "ERR_CLAIM_INVALID",
    );
    const claims = await validatorWith({ maxTokenAge: 300, clockTolerance: 10 }).validate(token);
    expect(claims.aud).toBe(issuer.projectId);
  });
});

describe("iss", () => {
  it.each([
    ["another issuer", "https://picketapi.com"],
    ["a different case", "PicketAPI.com"],
    ["a trailing space", "picketapi.com "],
    ["a Cyrillic look-alike", "picketap\u0456.com"],
    ["a prefix of the issuer", "picketapi"],
  ])("rejects %s", async (_name, iss) => {
    const token = issuer.sign({ iss });
    const error = await expectCode(() => validatorWith().validate(token), "ERR_ISSUER_INVALID");
    expect(error.status).toBe(401);
  });

  it("rejects a missing iss", async () => {
    const token = issuer.sign({}, { omit: ["iss"] });
    await expectCode(() => validatorWith().validate(token), "ERR_ISSUER_INVALID");
  });

  it("rejects iss given as an array holding the issuer", async () => {
    const token = issuer.sign({ iss: [PICKET_ISSUER] as unknown as string });
    await expectCode(() => validatorWith().validate(token), "ERR_ISSUER_INVALID");
  });

  it("expects picketapi.com by default", async () => {
    expect((await validatorWith().validate(issuer.sign())).iss).toBe("picketapi.com");
  });

  it("honours a custom issuer option", async () => {
    const validator = validatorWith({ issuer: "https://auth.example.com" });
    const claims = await validator.validate(issuer.sign({ iss: "https://auth.example.com" }));
    expect(claims.iss).toBe("https://auth.example.com");
    await expectCode(() => validator.validate(issuer.sign()), "ERR_ISSUER_INVALID");
  });
});

describe("aud", () => {
  it("rejects another project's audience", async () => {
    const token = issuer.sign({ aud: "00000000-0000-4000-8000-000000000000" });
    const error = await expectCode(() => validatorWith().validate(token), "ERR_AUDIENCE_INVALID");
    expect(error.status).toBe(401);
  });

  it("accepts an aud array that includes the project", async () => {
    const aud = ["other-project", issuer.projectId];
    const claims = await validatorWith().validate(issuer.sign({ aud }));
    expect(claims.aud).toEqual(aud);
  });

  it("rejects an aud array that does not include the project", async () => {
    const token = issuer.sign({ aud: ["other-project", `${issuer.projectId}x`] });
    await expectCode(() => validatorWith().validate(token), "ERR_AUDIENCE_INVALID");
  });

  it("rejects an empty aud array and a nested one", async () => {
    await expectCode(
      () => validatorWith().validate(issuer.sign({ aud: [] })),
      "ERR_AUDIENCE_INVALID",
    );
    const nested = [[issuer.projectId]] as unknown as string[];
    await expectCode(
      () => validatorWith().validate(issuer.sign({ aud: nested })),
      "ERR_AUDIENCE_INVALID",
    );
  });

  it("rejects a missing aud", async () => {
    const token = issuer.sign({}, { omit: ["aud"] });
    await expectCode(() => validatorWith().validate(token), "ERR_AUDIENCE_INVALID");
  });

  it("rejects aud given as a number", async () => {
    const numeric = createTestIssuer({ clock: clock.now, projectId: "12345" });
    const token = numeric.sign({ aud: 12345 as unknown as string });
    await expectCode(
      () => numeric.validator({ clock: clock.now }).validate(token),
      "ERR_AUDIENCE_INVALID",
    );
    expect((await numeric.validator({ clock: clock.now }).validate(numeric.sign())).aud).toBe(
      "12345",
    );
  });
});

describe("claims normalization", () => {
  async function validated(claims: PicketClaims, omit: readonly string[] = []) {
    return validatorWith().validate(issuer.sign(claims, { omit }));
  }

  it("derives chain and walletAddress from sub", async () => {
    const claims = await validated({ sub: "solana:Abc" }, ["chain", "walletAddress"]);
    expect(claims.chain).toBe("solana");
    expect(claims.walletAddress).toBe("Abc");
    expect(claims.sub).toBe("solana:Abc");
  });

  it("derives chain and walletAddress from the older chain/network:address form", async () => {
    const claims = await validated({ sub: "ethereum/mainnet:0xabc" }, ["chain", "walletAddress"]);
    expect(claims.chain).toBe("ethereum");
    expect(claims.walletAddress).toBe("0xabc");
  });

  it("takes the chain from sub where a chain claim names the same chain", async () => {
    const claims = await validated({ sub: "solana/devnet:Abc", chain: "solana" }, [
      "walletAddress",
    ]);
    expect(claims.chain).toBe("solana/devnet");
    expect(claims.walletAddress).toBe("Abc");
  });

  it("lets an explicit walletAddress claim win over sub", async () => {
    const claims = await validated({ sub: "solana:Abc", walletAddress: "Xyz" }, ["chain"]);
    expect(claims.chain).toBe("solana");
    expect(claims.walletAddress).toBe("Xyz");
  });

  it("reads tokenBalance from the legacy numTokens", async () => {
    const claims = await validated({ numTokens: "5" });
    expect(claims.tokenBalance).toBe("5");
    expect(claims.numTokens).toBe("5");
  });

  it("prefers tokenBalance over numTokens", async () => {
    const claims = await validated({ tokenBalance: "7", numTokens: "5" });
    expect(claims.tokenBalance).toBe("7");
  });

  it("leaves tokenBalance absent when neither claim is sent", async () => {
    const claims = await validated({});
    expect("tokenBalance" in claims).toBe(false);
  });

  it("keeps every other claim as sent", async () => {
    const extra = {
      email: "holder@example.com",
      displayAddress: "vitalik.eth",
      contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e",
      tokenIds: [
        "1",
        "115792089237316195423570985008687907853269984665640564039457584007913129639935",
      ],
      tokenBalances: {
        contractAddress: { "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e": "0.1337" },
      },
      tid: "token-id-1",
      ver: 2,
      custom: { nested: [1, "two", null] },
    };
    const claims = await validated(extra);
    expect(claims).toMatchObject(extra);
    expect(claims.iss).toBe(PICKET_ISSUER);
    expect(claims.aud).toBe(issuer.projectId);
    expect(claims.iat).toBe(nowSeconds());
  });

  it("returns a frozen claims object that callers cannot change", async () => {
    const token = issuer.sign({ tokenIds: ["1"] });
    const validator = validatorWith();
    const claims = await validator.validate(token);
    expect(Object.isFrozen(claims)).toBe(true);
    expect(() => {
      (claims as { walletAddress: string }).walletAddress = "0xattacker";
    }).toThrow(TypeError);
    expect(() => {
      (claims.tokenIds as string[]).push("2");
    }).toThrow(TypeError);
    const again = await validator.validate(token);
    expect(again.walletAddress).toBe(issuer.walletAddress);
    expect(again.tokenIds).toEqual(["1"]);
  });

  it("rejects a token from which no chain can be derived", async () => {
    const token = issuer.sign({}, { omit: ["sub", "chain"] });
    const error = await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
    expect(error.status).toBe(401);
  });

  it("rejects a sub without a chain prefix when there is no chain claim", async () => {
    const token = issuer.sign({ sub: "0xabc" }, { omit: ["chain"] });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });

  it("rejects a sub that is not a string", async () => {
    const token = issuer.sign({ sub: 42 as unknown as string });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });

  it("rejects a chain claim that is not a string", async () => {
    const token = issuer.sign({ chain: ["ethereum"] as unknown as string });
    await expectCode(() => validatorWith().validate(token), "ERR_CLAIM_INVALID");
  });
});

describe("order of checks", () => {
  it("checks iss before exp", async () => {
    const token = issuer.sign({ iss: "evil.example" }, { expiresIn: -60 });
    await expectCode(() => validatorWith().validate(token), "ERR_ISSUER_INVALID");
  });

  it("checks iss before aud, and aud before exp", async () => {
    await expectCode(
      () => validatorWith().validate(issuer.sign({ iss: "evil.example", aud: "other" })),
      "ERR_ISSUER_INVALID",
    );
    await expectCode(
      () => validatorWith().validate(issuer.sign({ aud: "other" }, { expiresIn: -60 })),
      "ERR_AUDIENCE_INVALID",
    );
    await expectCode(
      () => validatorWith().validate(issuer.sign({ aud: "other" }, { omit: ["exp"] })),
      "ERR_AUDIENCE_INVALID",
    );
  });

  it("checks exp before nbf", async () => {
    const token = issuer.sign({ nbf: nowSeconds() + 600 }, { expiresIn: -60 });
    await expectCode(() => validatorWith().validate(token), "ERR_TOKEN_EXPIRED");
  });

  it("checks the signature before any claim", async () => {
    const expired = flipSignatureBit(issuer.sign({}, { expiresIn: -60 }));
    await expectCode(() => validatorWith().validate(expired), "ERR_SIGNATURE_INVALID");
    const wrongIssuer = flipSignatureBit(issuer.sign({ iss: "evil.example", aud: "other" }));
    await expectCode(() => validatorWith().validate(wrongIssuer), "ERR_SIGNATURE_INVALID");
    const badClaims = flipSignatureBit(
      issuer.sign({ sub: 42 as unknown as string, exp: "x" as unknown as number }),
    );
    await expectCode(() => validatorWith().validate(badClaims), "ERR_SIGNATURE_INVALID");
  });

  it("checks the signature before the claims in validateSync too", async () => {
    const validator = validatorWith();
    await validator.ready();
    const expired = flipSignatureBit(issuer.sign({}, { expiresIn: -60 }));
    await expectCode(() => validator.validateSync(expired), "ERR_SIGNATURE_INVALID");
    await expectCode(
      () => validator.validateSync(issuer.sign({ iss: "x" }, { expiresIn: -60 })),
      "ERR_ISSUER_INVALID",
    );
  });
});
