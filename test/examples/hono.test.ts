import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningExample,
  sampleTokens,
  start,
  TOKEN_COOKIE,
  VIP_CONTRACT,
} from "../../examples/hono/server.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { bearer, get } from "../helpers/http.js";

describe("examples/hono", () => {
  const refused: string[] = [];
  let running: RunningExample | undefined;
  let tokens: { holder: string; visitor: string };
  const url = (path: string) => `${running?.url}${path}`;

  beforeAll(async () => {
    running = await start(0, (error, c) => {
      refused.push(`${c.req.path} ${error.code}`);
    });
    tokens = sampleTokens(running.issuer);
  });

  afterAll(async () => {
    await running?.close();
  });

  it("answers the README's curl lines 200, 401, 200, 403, 200", async () => {
    const answers = [
      await get(url("/public")),
      await get(url("/me")),
      await get(url("/me"), bearer(tokens.visitor)),
      await get(url("/vip"), bearer(tokens.visitor)),
      await get(url("/vip"), bearer(tokens.holder)),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 200, 403, 200]);
    const [publicCall, anonymous, visitor, poor, holder] = answers;
    expect(publicCall?.body).toEqual({ message: "Hello, anyone" });
    expect(anonymous?.body).toMatchObject({ error: "ERR_TOKEN_MISSING" });
    expect(anonymous?.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
    expect(visitor?.body).toEqual({ chain: "ethereum", walletAddress: expect.any(String) });
    expect(poor?.body).toMatchObject({ error: "ERR_REQUIREMENTS_NOT_MET" });
    expect(poor?.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(poor?.text).not.toContain(VIP_CONTRACT);
    expect(holder?.body).toMatchObject({ message: "Welcome, holder", tokenBalance: "2" });
    expect(refused).toEqual(["/me ERR_TOKEN_MISSING", "/vip ERR_REQUIREMENTS_NOT_MET"]);
  });

  it("takes the token from the picket_token cookie when there is no Authorization header", async () => {
    const cookie = { cookie: `${TOKEN_COOKIE}=${tokens.holder}` };
    const answer = await get(url("/vip"), undefined, cookie);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ message: "Welcome, holder" });
    // An Authorization header wins, and must then be Bearer credentials.
    const basic = await get(url("/vip"), "Basic dXNlcjpwYXNz", cookie);
    expect(basic.status).toBe(401);
    expect(basic.body).toMatchObject({ error: "ERR_TOKEN_MISSING" });
  });

  it("refuses a token of another issuer: 401 invalid_token", async () => {
    const stranger = createTestIssuer({ projectId: running?.issuer.projectId ?? "" });
    const answer = await get(url("/me"), bearer(stranger.sign()));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("stops listening after close()", async () => {
    const stopped = url("/public");
    await running?.close();
    running = undefined;
    await expect(fetch(stopped)).rejects.toThrow();
  });
});
