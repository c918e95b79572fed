import { afterEach, describe, expect, it } from "vitest";
import { createValidator, decodeUnverified, PICKET_ISSUER } from "../../src/index.js";
import { createTestIssuer, type JwksServer } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";

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

  it("rotates to a new key and kid, which old validators do not know", async () => {
    const issuer = createTestIssuer({ kid: "k" });
    const before = issuer.validator();
    const newKid = issuer.rotate();
    expect(newKid).not.toBe("k");
    expect(issuer.kid).toBe(newKid);
    expect(issuer.jwks.keys[0]?.kid).toBe(newKid);
    const token = issuer.sign();
    expect(decodeUnverified(token).header.kid).toBe(newKid);
    await expectCode(() => before.validate(token), "ERR_KEY_NOT_FOUND");
    await expect(issuer.validator().validate(token)).resolves.toBeDefined();
  });

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
