import { once } from "node:events";
import { createServer } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createValidationServer } from "../../src/server/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import type { ValidatorEvent } from "../../src/types.js";
import { bearer, closeServer, get, listenOnLoopback, readAnswer } from "../helpers/http.js";
import { type StartedService, startService } from "./start-service.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function started(...args: Parameters<typeof startService>): Promise<StartedService> {
  const service = await startService(...args);
  cleanups.push(() => service.close());
  return service;
}

/** A key server whose answers wait until `release()`: requests stay in flight meanwhile. */
async function heldKeyServer(jwks: object) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let asked: () => void = () => undefined;
  const firstAsk = new Promise<void>((resolve) => {
    asked = resolve;
  });
  const server = createServer((_request, response) => {
    asked();
    void released.then(() => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(jwks));
    });
  });
  const origin = await listenOnLoopback(server);
  cleanups.push(() => closeServer(server));
  return { jwksUri: `${origin}/jwks.json`, release, firstAsk };
}

describe("createValidationServer options", () => {
  const validator = { projectId: "p", jwks: { keys: [] } };

  it.each([
    [
      { validator, polices: {} },
      "options.polices is not an option of createValidationServer; did you mean policies?",
    ],
    [{}, "createValidationServer needs { validator }"],
    [{ validator, cookie: "a b" }, "options.cookie must be a cookie name"],
    [{ validator, log: "stderr" }, "options.log must be a function"],
    [
      { validator, requestTimeout: 5 },
      "options.requestTimeout must be milliseconds from 100 to 600000",
    ],
    [
      { validator, policies: { gold: { minTokenBalance: "1" } } },
      "policies.gold: requirements.minTokenBalance needs",
    ],
    [{ validator, policies: { gold: null } }, "policies.gold must be a requirements object"],
    [{ validator, policies: { "a/b": {} } }, 'policy name "a/b"'],
    [{ validator: { projectId: "p", jwksUri: "http://example.com/jwks" } }, "jwksUri"],
  ])("refuses %j with a TypeError", (options, message) => {
    expect(() => createValidationServer(options as never)).toThrow(TypeError);
    expect(() => createValidationServer(options as never)).toThrow(message);
  });
});

describe("operations", () => {
  it("answers /healthz at once and /readyz only once the keys are loaded", async () => {
    const issuer = createTestIssuer();
    const keys = await heldKeyServer(issuer.jwks);
    const service = createValidationServer({
      validator: { projectId: issuer.projectId, jwksUri: keys.jwksUri },
      log: () => undefined,
    });
    cleanups.push(() => service.close());
    const origin = await service.listen(0);
    expect((await get(`${origin}/healthz`)).body).toEqual({ status: "up" });
    expect((await get(`${origin}/readyz`)).status).toBe(503);
    const loading = service.ready();
    await keys.firstAsk;
    expect((await get(`${origin}/readyz`)).status).toBe(503);
    keys.release();
    await loading;
    expect(await get(`${origin}/readyz`)).toMatchObject({ status: 200, body: { status: "ready" } });
  });

  it("counts validations by result, key fetches, cache hits and latency in Prometheus text", async () => {
    const issuer = createTestIssuer();
    const jwks = await issuer.serve();
    cleanups.push(() => jwks.close());
    const events: ValidatorEvent[] = [];
    const service = createValidationServer({
      validator: {
        projectId: issuer.projectId,
        jwksUri: jwks.jwksUri,
        onEvent: (e) => events.push(e),
      },
      log: () => undefined,
    });
    cleanups.push(() => service.close());
    await service.ready();
    const origin = await service.listen(0);
    const token = issuer.sign();
    // The token cache keeps a token from its second pass: the third is a hit.
    for (let i = 0; i < 3; i++) await get(`${origin}/forward-auth`, bearer(token));
    await get(`${origin}/forward-auth`, bearer(issuer.sign({}, { expiresIn: -1 })));
    const metrics = await readAnswer(await fetch(`${origin}/metrics`));
    expect(metrics.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(metrics.text).toContain('picket_validations_total{result="ok"} 3\n');
    expect(metrics.text).toContain('picket_validations_total{result="ERR_TOKEN_EXPIRED"} 1\n');
    expect(metrics.text).toContain("picket_jwks_fetches_total 1\n");
    expect(metrics.text).toContain("picket_jwks_fetch_failures_total 0\n");
    expect(metrics.text).toContain("picket_token_cache_hits_total 1\n");
    expect(metrics.text).toContain('picket_validation_duration_seconds_bucket{le="+Inf"} 4\n');
    expect(metrics.text).toContain("picket_validation_duration_seconds_count 4\n");
    expect(metrics.text).not.toContain(token.slice(0, 20));
    // The caller's own onEvent still sees every event.
    expect(events.filter((e) => e.type.startsWith("validation_"))).toHaveLength(4);
  });

  it("counts a failed key fetch; ready() rejects and requests get 503 while keys cannot be had", async () => {
    const down = createServer((_request, response) => {
      response.writeHead(500);
      response.end();
    });
    const origin = await listenOnLoopback(down);
    cleanups.push(() => closeServer(down));
    const service = createValidationServer({
      validator: { projectId: "p", jwksUri: `${origin}/jwks.json` },
      log: () => undefined,
    });
    cleanups.push(() => service.close());
    await expect(service.ready()).rejects.toMatchObject({ code: "ERR_JWKS_UNAVAILABLE" });
    const serviceOrigin = await service.listen(0);
    expect((await get(`${serviceOrigin}/readyz`)).status).toBe(503);
    expect((await get(`${serviceOrigin}/metrics`)).text).toContain(
      "picket_jwks_fetch_failures_total 1\n",
    );
    const token = createTestIssuer({ projectId: "p" }).sign();
    const refused = await get(`${serviceOrigin}/forward-auth`, bearer(token));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.body.error).toBe("ERR_JWKS_UNAVAILABLE");
    const validate = await fetch(`${serviceOrigin}/api/v1/auth/validate`, {
      method: "POST",
      body: JSON.stringify({ accessToken: token }),
    }).then(readAnswer);
    expect(validate.status).toBe(503);
    expect(validate.body).toEqual({
      code: "ERR_JWKS_UNAVAILABLE",
      msg: "Access tokens cannot be checked right now",
    });
  });

  it("answers 500 with a log line, and keeps serving, when validation fails unexpectedly", async () => {
    const issuer = createTestIssuer();
    let broken = false;
    const clock = () => {
      if (broken) throw new Error("clock failure");
      return Date.now();
    };
    const service = await started(
      { validator: { projectId: issuer.projectId, jwks: issuer.jwks, clock } },
      issuer,
    );
    broken = true;
    const answer = await get(`${service.origin}/forward-auth`, bearer(issuer.sign()));
    expect(answer).toMatchObject({ status: 500, body: { error: "internal_error" } });
    expect(service.logs.at(-1)).toEqual({ event: "failed", status: 500, code: "internal_error" });
    broken = false;
    expect((await get(`${service.origin}/forward-auth`, bearer(issuer.sign()))).status).toBe(200);
  });

  it("answers 404 elsewhere", async () => {
    const service = await started();
    expect(await get(`${service.origin}/`)).toMatchObject({
      status: 404,
      body: { error: "not_found" },
    });
  });

  it("lets an in-flight request finish on close(), then stops listening", async () => {
    const issuer = createTestIssuer();
    const keys = await heldKeyServer(issuer.jwks);
    const service = createValidationServer({
      validator: { projectId: issuer.projectId, jwksUri: keys.jwksUri },
      log: () => undefined,
    });
    const origin = await service.listen(0);
    const inFlight = get(`${origin}/forward-auth`, bearer(issuer.sign()));
    await keys.firstAsk;
    const closed = service.close();
    keys.release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.headers.get("connection")).toBe("close");
    await closed;
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
  });

  it("drops a client that does not send its headers within headersTimeout", async () => {
    const service = await started({ headersTimeout: 200, requestTimeout: 300 });
    const { port } = new URL(service.origin);
    const socket = connect(Number(port), "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    await once(socket, "close");
    expect(Buffer.concat(chunks).toString()).not.toContain("200 OK");
  });
});
