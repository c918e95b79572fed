/**
 * `picket-validate/hono` on a runtime without Node built-ins: the adapter and Hono, bundled the way
 * a bundler for the Edge runtime or Workers bundles them (neutral platform, `worker` and `browser`
 * conditions, every `node:*` module unresolvable), served by Vercel's `edge-runtime` over real
 * HTTP. The validator is a stand-in here: this file is about the adapter loading and answering.
 */
import { fileURLToPath } from "node:url";
import { EdgeRuntime, runServer } from "edge-runtime";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, get } from "../helpers/http.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The worker: a Hono app behind picketAuth, with a validator that knows one token. */
const WORKER = `
import { Hono } from "hono";
import { PicketValidationError } from "./src/errors.ts";
import { picketAuth } from "./src/http/hono.ts";

const validator = {
  async validate(token) {
    if (token === "good") return { chain: "ethereum", walletAddress: "0xabc" };
    throw new PicketValidationError("ERR_SIGNATURE_INVALID", "The token's signature is invalid");
  },
};
const app = new Hono();
app.get("/me", picketAuth({ validator }), (c) =>
  c.json({ walletAddress: c.var.picket.walletAddress, runtime: typeof EdgeRuntime }),
);
addEventListener("fetch", (event) => event.respondWith(app.fetch(event.request)));
`;

/** Bundles `contents` as a bundler for a runtime without Node built-ins would. */
async function bundleForTheEdge(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "worker.ts" },
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["worker", "browser"],
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

describe("picket-validate/hono on the Edge runtime", () => {
  let server: Awaited<ReturnType<typeof runServer>>;

  beforeAll(async () => {
    const runtime = new EdgeRuntime({ initialCode: await bundleForTheEdge(WORKER) });
    server = await runServer({ runtime, port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await server.close();
  });

  it("bundles with every node:* module unresolvable", async () => {
    const entry = `import { picketAuth } from "./src/http/hono.ts"; globalThis.auth = picketAuth;`;
    await expect(bundleForTheEdge(`${entry} import "node:crypto";`)).rejects.toThrow(/node:crypto/);
    await expect(bundleForTheEdge(entry)).resolves.toContain("needs { validator }");
  });

  it("sets c.var.picket for a valid token, inside the Edge runtime", async () => {
    const answer = await get(new URL("/me", server.url).href, bearer("good"));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ walletAddress: "0xabc", runtime: "string" });
  });

  it("answers refusals as on Node: JSON, fixed message, RFC 6750 challenge", async () => {
    const missing = await get(new URL("/me", server.url).href);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      error: "ERR_TOKEN_MISSING",
      message: "A Bearer access token is required",
    });
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
    const forged = await get(new URL("/me", server.url).href, bearer("forged"));
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe("ERR_SIGNATURE_INVALID");
    expect(forged.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });
});
