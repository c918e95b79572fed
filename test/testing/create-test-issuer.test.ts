import { afterEach, describe, expect, it } from "vitest";
import { createValidator, decodeUnverified, PICKET_ISSUER } from "../../src/index.js";
import { createTestIssuer, type JwksServer } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

describe("createTestIssuer", () => {
  let server: JwksServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("mints Picket-shaped tokens that its own validator accepts", async () => {
    const issuer = createTestIssuer({ projectId: "project-1" });
    const token = issuer.sign();
    const { header, claims } = decodeUnverified(token);
    expect(header).toEqual({ alg: "ES256", typ: "JWT" });
    expect(claims).toMatchObject({
      iss: PICKET_ISSUER,
      aud: "project-1",
      sub: `ethereum:${issuer.walletAddress}`,
      chain: "ethereum",
      ver: 1,
    });
    expect(typeof claims.tid).toBe("string");
    const user = await issuer.validator().validate(token);
    expect(user.walletAddress).toBe(issuer.walletAddress);
  });

  it("names one Solana wallet throughout, from sub alone or from chain and walletAddress", async () => {
    const issuer = createTestIssuer();
    const wallet = "9TPrWDXuT9SYY2eLvRrAWZof8ye2SYFfms18gjuksjFG";
    const fromSub = decodeUnverified(issuer.sign({ sub: `solana:${wallet}` })).claims;
    const fromChain = decodeUnverified(
      issuer.sign({ chain: "solana", walletAddress: wallet }),
    ).claims;
    for (const claims of [fromSub, fromChain]) {
      expect(claims).toMatchObject({
        sub: `solana:${wallet}`,
        chain: "solana",
        walletAddress: wallet,
        displayAddress: wallet,
      });
    }
    const bare = decodeUnverified(issuer.sign({ chain: "solana" })).claims;
    expect(bare.walletAddress).not.toMatch(/^0x/);
    expect(bare.sub).toBe(`solana:${String(bare.walletAddress)}`);
    expect(bare.displayAddress).toBe(bare.walletAddress);
    const user = await issuer.validator().validate(issuer.sign({ sub: `solana:${wallet}` }), {
      chain: "solana",
    });
    expect(user.walletAddress).toBe(wallet);
  });

  it("takes claims, expiresIn, header overrides and omissions", () => {
    const clock = createManualClock(1_800_000_000_000);
    const issuer = createTestIssuer({ kid: "k1", clock: clock.now });
    const token = issuer.sign(
      { email: "a@b.c" },
      { expiresIn: 60, header: { typ: "at+jwt" }, omit: ["tid", "iat"] },
    );
    const { header, claims } = decodeUnverified(token);
    expect(header).toEqual({ alg: "ES256", typ: "at+jwt", kid: "k1" });
    expect(claims.email).toBe("a@b.c");
    expect(claims.exp).toBe(1_800_000_060);
    expect(claims).not.toHaveProperty("tid");
    expect(claims).not.toHaveProperty("iat");
  });

  it("publishes only public key material", () => {
    const issuer = createTestIssuer({ kid: "k1" });
    const [key] = issuer.jwks.keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", kid: "k1", alg: "ES256", use: "sig" });
    expect(key).not.toHaveProperty("d");
    expect(issuer.privateJwk).toHaveProperty("d");
  });

  it("signs reproducibly from a given private key", async () => {
    const first = createTestIssuer({ projectId: "p" });
    const second = createTestIssuer({ projectId: "p", privateJwk: first.privateJwk });
    await expect(first.validator().validate(second.sign())).resolves.toMatchObject({ aud: "p" });
  });

  it("rotates to a new key and kid", () => {
    const issuer = createTestIssuer({ kid: "k" });
    const newKid = issuer.rotate();
    expect(newKid).not.toBe("k");
    expect(issuer.kid).toBe(newKid);
    expect(issuer.jwks.keys.map((key) => key.kid)).toEqual([newKid]);
    expect(decodeUnverified(issuer.sign()).header.kid).toBe(newKid);
  });

  it.each([
    ["with a kid", "k", "ERR_KEY_NOT_FOUND"],
    ["without a kid", undefined, "ERR_SIGNATURE_INVALID"],
  ] as const)("its offline validator follows rotations (tokens %s)", async (_, kid, oldCode) => {
    const issuer = createTestIssuer(kid === undefined ? {} : { kid });
    const validator = issuer.validator();
    const oldToken = issuer.sign();
    await validator.validate(oldToken); // a cached verdict, which must not outlive its key
    issuer.rotate();
    const newToken = issuer.sign();
    expect(validator.validateSync(newToken).walletAddress).toBe(issuer.walletAddress);
    await expect(validator.validate(newToken)).resolves.toMatchObject({ aud: issuer.projectId });
    await expectCode(() => validator.validate(oldToken), oldCode);
    issuer.rotate();
    await expectCode(() => validator.validate(newToken), oldCode);
    await expect(validator.validate(issuer.sign())).resolves.toBeDefined();
  });

  it("keeps the offline validator's options and requirements across rotations", async () => {
    const events: string[] = [];
    const issuer = createTestIssuer();
    const validator = issuer.validator({
      requirements: { contractAddress: CONTRACT, minTokenBalance: 2 },
      onEvent: (event) => events.push(event.type),
    });
    expect(validator.requirements).toEqual({ contractAddress: CONTRACT, minTokenBalance: 2 });
    issuer.rotate();
    const short = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "1" });
    await expectCode(() => validator.validate(short), "ERR_REQUIREMENTS_NOT_MET");
    await validator.validate(issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" }));
    expect(events).toEqual(["validation_failure", "validation_success"]);
    await expect(validator.ready()).resolves.toBeUndefined();
    await expect(validator.refresh()).resolves.toBeUndefined();
    expect(validator.decodeUnverified(short).claims.tokenBalance).toBe("1");
  });

  it("builds a plain validator of the keys it is given, which does not follow", async () => {
    const issuer = createTestIssuer({ kid: "k" });
    const snapshot = issuer.validator({ jwks: issuer.jwks });
    issuer.rotate();
    await expectCode(() => snapshot.validate(issuer.sign()), "ERR_KEY_NOT_FOUND");
  });

  it.each([
    ["with a kid", "k", "ERR_KEY_NOT_FOUND"],
    ["without a kid", undefined, "ERR_SIGNATURE_INVALID"],
  ] as const)(
    "a served validator learns a rotated key on refresh(), or after the cooldown (tokens %s)",
    async (_, kid, withinCooldown) => {
      const clock = createManualClock();
      const issuer = createTestIssuer(
        kid === undefined ? { clock: clock.now } : { kid, clock: clock.now },
      );
      server = await issuer.serve();
      const validator = createValidator({
        projectId: issuer.projectId,
        jwksUri: server.jwksUri,
        clock: clock.now,
      });
      await validator.validate(issuer.sign());
      issuer.rotate();
      clock.advance(1000);
      const token = issuer.sign();
      await expectCode(() => validator.validate(token), withinCooldown);
      expect(server.requests).toBe(1);
      await validator.refresh();
      expect(server.requests).toBe(2);
      expect(validator.validateSync(token).aud).toBe(issuer.projectId);

      issuer.rotate();
      clock.advance(30_000);
      await expect(validator.validate(issuer.sign())).resolves.toBeDefined();
      expect(server.requests).toBe(3);
    },
  );

  it("serves its current key set over HTTP on 127.0.0.1 and counts requests", async () => {
    const issuer = createTestIssuer({ kid: "k" });
    server = await issuer.serve();
    expect(server.jwksUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/);
    const validator = createValidator({ projectId: issuer.projectId, jwksUri: server.jwksUri });
    await validator.validate(issuer.sign());
    expect(server.requests).toBe(1);
    const response = await fetch(server.jwksUri.replace("jwks.json", "other"));
    expect(response.status).toBe(404);
    issuer.rotate();
    const served = (await (await fetch(server.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(served.keys.map((key) => key.kid)).toEqual([issuer.kid]);
  });
});
