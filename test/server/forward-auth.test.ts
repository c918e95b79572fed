import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, get, readAnswer } from "../helpers/http.js";
import { CONTRACT, type StartedService, startService } from "./start-service.js";

describe("/forward-auth", () => {
  let service: StartedService;
  let token: string;
  let holder: string;
  beforeAll(async () => {
    service = await startService();
    token = service.issuer.sign();
    holder = service.issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2.5" });
  });
  afterAll(() => service.close());

  it("answers 200 with the holder's wallet, chain and balance for a valid Bearer token", async () => {
    const answer = await get(`${service.origin}/forward-auth`, bearer(holder));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("");
    expect(answer.headers.get("x-picket-wallet")).toBe(service.issuer.walletAddress);
    expect(answer.headers.get("x-picket-chain")).toBe("ethereum");
    expect(answer.headers.get("x-picket-token-balance")).toBe("2.5");
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 401 with the bare RFC 6750 challenge when the request has no token", async () => {
    const answer = await get(`${service.origin}/forward-auth`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
    expect(answer.body).toEqual({
      error: "ERR_TOKEN_MISSING",
      message: "A Bearer access token is required",
    });
    expect(service.logs.at(-1)).toEqual({
      event: "refused",
      endpoint: "forward-auth",
      status: 401,
      code: "ERR_TOKEN_MISSING",
    });
  });

  it("answers 401 invalid_token for an expired token, and logs the code without the token", async () => {
    const expired = service.issuer.sign({}, { expiresIn: -60 });
    const answer = await get(`${service.origin}/forward-auth`, bearer(expired));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(answer.body.error).toBe("ERR_TOKEN_EXPIRED");
    expect(JSON.stringify(service.logs)).not.toContain(expired.slice(0, 20));
  });

  it("applies a named policy: 403 insufficient_scope when unmet, 200 when met", async () => {
    const unmet = await get(`${service.origin}/forward-auth/holders`, bearer(token));
    expect(unmet.status).toBe(403);
    expect(unmet.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(service.logs.at(-1)).toMatchObject({
      policy: "holders",
      code: "ERR_REQUIREMENTS_NOT_MET",
    });
    const met = await get(`${service.origin}/forward-auth/holders`, bearer(holder));
    expect(met.status).toBe(200);
  });

  it("answers 404, never 200, for an unknown policy, even with a valid token", async () => {
    const answer = await get(`${service.origin}/forward-auth/holder`, bearer(holder));
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe("policy_not_found");
    expect(await get(`${service.origin}/forward-auth/constructor`, bearer(holder))).toMatchObject({
      status: 404,
    });
  });

  it("accepts any method and ignores what follows the policy, as Traefik and Envoy send them", async () => {
    for (const method of ["POST", "DELETE", "PUT", "PATCH", "OPTIONS"]) {
      const answer = await readAnswer(
        await fetch(`${service.origin}/forward-auth/holders/app/page?x=1`, {
          method,
          headers: { authorization: bearer(holder), "x-forwarded-method": method },
        }),
      );
      expect(answer.status, method).toBe(200);
    }
    const envoy = await get(`${service.origin}/forward-auth/any/app/page`, bearer(token));
    expect(envoy.status).toBe(200);
    const head = await fetch(`${service.origin}/forward-auth`, {
      method: "HEAD",
      headers: { authorization: bearer(token) },
    });
    expect(head.status).toBe(200);
  });

  it("reads the configured cookie when there is no Authorization header", async () => {
    const answer = await get(`${service.origin}/forward-auth`, undefined, {
      cookie: `theme=dark; picket_token=${holder}; other=1`,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-picket-wallet")).toBe(service.issuer.walletAddress);
    const otherCookie = await get(`${service.origin}/forward-auth`, undefined, {
      cookie: `session=${holder}`,
    });
    expect(otherCookie.status).toBe(401);
  });

  it("refuses a non-Bearer Authorization header rather than falling back to the cookie", async () => {
    const answer = await get(`${service.origin}/forward-auth`, "Basic dXNlcjpwYXNz", {
      cookie: `picket_token=${holder}`,
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe("ERR_TOKEN_MISSING");
  });

  it("leaves out a claim that cannot travel as a header value", async () => {
    const odd = service.issuer.sign({ tokenBalance: "1\r\nX-Evil: 1" });
    const answer = await get(`${service.origin}/forward-auth`, bearer(odd));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-picket-token-balance")).toBeNull();
    expect(answer.headers.get("x-evil")).toBeNull();
  });
});
