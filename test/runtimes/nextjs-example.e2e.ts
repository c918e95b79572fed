/**
 * examples/nextjs end to end, built twice: with proxy.ts (Node.js runtime) and with its Edge
 * variant, middleware.ts. Each time `next build` with no Picket settings, `next start` with the
 * test issuer's key set in PICKET_JWKS, then real requests through the proxy or middleware and
 * the Edge route handler. Run with `npm run test:next` (not part of `npm test`: the builds take a
 * while).
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestIssuer } from "../../dist/testing/index.js";
import {
  BUILD_TIMEOUT_MS,
  buildNextApp,
  type NextServer,
  type NextVariant,
  prepareNextApp,
  startNextApp,
} from "./next-app.js";

const VIP_CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

/** Where each variant's gate must run, as `next build` records it. */
const GATE_RUNTIME: Record<NextVariant, string> = { proxy: "nodejs", "edge-middleware": "edge" };

describe.each(Object.keys(GATE_RUNTIME) as NextVariant[])(
  "examples/nextjs with %s on next build and next start",
  (variant) => {
    const issuer = createTestIssuer();
    const timings: Record<string, number> = {};
    const requestTimes: number[] = [];
    let dir = "";
    let server: NextServer | undefined;

    const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await run();
      } finally {
        timings[name] = Math.round(performance.now() - started);
      }
    };

    beforeAll(async () => {
      const prepared = await timed("prepare", () => prepareNextApp(variant));
      dir = prepared.dir;
      if (prepared.transpiled)
        console.log("@types/react is not installed: the example builds as JavaScript");
      await timed("next build", () => buildNextApp(dir));
      server = await timed("next start", () =>
        startNextApp(dir, {
          PICKET_PROJECT_ID: issuer.projectId,
          PICKET_JWKS: JSON.stringify(issuer.jwks),
        }),
      );
    }, BUILD_TIMEOUT_MS + 120_000);

    afterAll(async () => {
      await server?.stop();
      if (dir !== "") await rm(dir, { recursive: true, force: true });
      const phases = Object.entries(timings).map(([name, ms]) => `${name} ${ms} ms`);
      const total = requestTimes.reduce((sum, ms) => sum + ms, 0);
      console.log(
        `examples/nextjs (${variant}): ${phases.join(", ")}; ${requestTimes.length} requests in ${total} ms (slowest ${Math.max(0, ...requestTimes)} ms)`,
      );
    });

    async function call(path: string, headers: Record<string, string> = {}) {
      const started = performance.now();
      const response = await fetch(`${server?.url}${path}`, { headers });
      requestTimes.push(Math.round(performance.now() - started));
      const body = (await response.json()) as Record<string, unknown>;
      return { status: response.status, challenge: response.headers.get("www-authenticate"), body };
    }
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it(`runs the gate on the ${GATE_RUNTIME[variant]} runtime and the VIP route on the Edge runtime`, async () => {
      const manifest = JSON.parse(
        await readFile(join(dir, ".next", "server", "middleware-manifest.json"), "utf8"),
      ) as { middleware: Record<string, unknown>; functions: Record<string, unknown> };
      expect(Object.keys(manifest.functions)).toContain("/api/vip/route");
      if (GATE_RUNTIME[variant] === "edge") {
        expect(Object.keys(manifest.middleware)).toEqual(["/"]);
      } else {
        expect(manifest.middleware).toEqual({});
        const functions = JSON.parse(
          await readFile(join(dir, ".next", "server", "functions-config-manifest.json"), "utf8"),
        ) as { functions: Record<string, { runtime?: string }> };
        expect(functions.functions["/_middleware"]).toMatchObject({ runtime: "nodejs" });
      }
    });

    it("answers 401 without a token, with the bare Bearer challenge", async () => {
      const answer = await call("/api/me");
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: "ERR_TOKEN_MISSING" });
      expect(answer.challenge).toMatch(/^Bearer /);
    });

    it("passes a valid token's wallet on to the route", async () => {
      const answer = await call("/api/me", bearer(issuer.sign()));
      expect(answer).toMatchObject({
        status: 200,
        body: { walletAddress: issuer.walletAddress, chain: "ethereum" },
      });
    });

    it("drops a wallet header the client sent itself", async () => {
      const answer = await call("/api/me", {
        ...bearer(issuer.sign()),
        "x-picket-wallet": VIP_CONTRACT,
      });
      expect(answer.body).toMatchObject({ walletAddress: issuer.walletAddress });
      const anonymous = await call("/api/me", { "x-picket-wallet": VIP_CONTRACT });
      expect(anonymous.status).toBe(401);
    });

    it("answers 401 for an expired token", async () => {
      const answer = await call("/api/me", bearer(issuer.sign({}, { expiresIn: -60 })));
      expect(answer).toMatchObject({ status: 401, body: { error: "ERR_TOKEN_EXPIRED" } });
      expect(answer.challenge).toContain('error="invalid_token"');
    });

    it("answers 401 for a token signed by another key", async () => {
      const forged = createTestIssuer({ projectId: issuer.projectId }).sign();
      const answer = await call("/api/me", bearer(forged));
      expect(answer).toMatchObject({ status: 401, body: { error: "ERR_SIGNATURE_INVALID" } });
    });

    it("answers 403 on the VIP route when the requirements are not met", async () => {
      const answer = await call("/api/vip", bearer(issuer.sign()));
      expect(answer).toMatchObject({ status: 403, body: { error: "ERR_REQUIREMENTS_NOT_MET" } });
      expect(answer.challenge).toContain('error="insufficient_scope"');
    });

    it("answers 200 on the VIP route for a holder", async () => {
      const holder = issuer.sign({ contractAddress: VIP_CONTRACT, tokenBalance: "2" });
      const answer = await call("/api/vip", bearer(holder));
      expect(answer).toMatchObject({ status: 200, body: { tokenBalance: "2" } });
    });

    it("takes the token from the picket_token cookie", async () => {
      const me = await call("/api/me", { cookie: `picket_token=${issuer.sign()}` });
      expect(me).toMatchObject({ status: 200, body: { walletAddress: issuer.walletAddress } });
      const holder = issuer.sign({ contractAddress: VIP_CONTRACT, tokenBalance: "1" });
      const vip = await call("/api/vip", { cookie: `picket_token=${holder}` });
      expect(vip).toMatchObject({ status: 200, body: { tokenBalance: "1" } });
    });
  },
);
