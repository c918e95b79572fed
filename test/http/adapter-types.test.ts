/**
 * Compile-time checks of the adapters' public types. `npm run typecheck` (tsc over test/) verifies
 * the `expectTypeOf` assertions and that every `@ts-expect-error` line really is an error; the
 * runtime assertions below make this a real test for vitest too.
 */
import type { Request as ExpressRequest, RequestHandler } from "express";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { PicketApiError } from "../../src/client/index.js";
import "../../src/http/express.js";
import {
  type PicketAuthOptions as ExpressOptions,
  type PicketMiddleware,
  picketAuth,
} from "../../src/http/express.js";
import {
  type PicketAuthOptions as FastifyOptions,
  type PicketPreHandler,
  picketPlugin,
  picketPreHandler,
} from "../../src/http/fastify.js";
import {
  authenticate,
  type PicketAuthOptions as FetchOptions,
  withPicket,
} from "../../src/http/fetch.js";
import {
  type PicketAuthOptions as HonoOptions,
  picketAuth as honoAuth,
  type PicketEnv,
} from "../../src/http/hono.js";
import type { PicketAccessToken, PicketValidationError } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";

const validator = createTestIssuer().validator();

// Express: `req.picket` is on every Request once the adapter is imported, possibly undefined.
const expressHandler: RequestHandler = (req, res) => {
  expectTypeOf(req.picket).toEqualTypeOf<PicketAccessToken | undefined>();
  // @ts-expect-error req.picket may be undefined (anonymous request in optional mode)
  req.picket.walletAddress;
  if (req.picket === undefined) {
    res.status(401).end();
    return;
  }
  expectTypeOf(req.picket.walletAddress).toEqualTypeOf<string>();
  expectTypeOf(req.picket.exp).toEqualTypeOf<number>();
  // @ts-expect-error walletAddress is a string, not a number
  const asNumber: number = req.picket.walletAddress;
  // @ts-expect-error claims nobody declared are unknown, not strings
  const undeclared: string = req.picket.notAClaim;
  // @ts-expect-error the verified token is not to be replaced by just anything
  req.picket = { walletAddress: "0x" };
  res.json({ asNumber, undeclared });
};

// Fastify: `request.picket` is decorated on every request, null when anonymous.
function fastifyHandler(request: FastifyRequest): string {
  expectTypeOf(request.picket).toEqualTypeOf<PicketAccessToken | null>();
  // @ts-expect-error request.picket may be null
  request.picket.walletAddress;
  // @ts-expect-error null, not undefined, marks an anonymous Fastify request
  const absent: undefined = request.picket;
  void absent;
  return request.picket?.walletAddress ?? "anonymous";
}

function fastifyRoutes(app: FastifyInstance): void {
  expectTypeOf(app.picketAuth).parameters.toEqualTypeOf<
    [requirements?: import("../../src/index.js").Requirements]
  >();
  expectTypeOf(app.picketAuth()).toEqualTypeOf<PicketPreHandler>();
  // @ts-expect-error requirements are checked: minTokenBalance is an amount, not a boolean
  app.picketAuth({ contractAddress: "0xabc", minTokenBalance: true });
}

// Factories: options are typed.
function misuse(): void {
  // @ts-expect-error a validator is required
  picketAuth({});
  // @ts-expect-error optional is a boolean
  picketAuth({ validator, optional: "yes" });
  // @ts-expect-error unknown requirement keys are refused
  picketPreHandler({ validator, requirements: { minBalance: 1 } });
  // @ts-expect-error a validator is required
  honoAuth({ requirements: { chain: "solana" } });
  // @ts-expect-error authenticate takes the validator itself, not options
  authenticate(new Request("http://x.test"), { validator });
}

// Hooks: each adapter's getToken and onError get its framework's request, and onError a refusal.
type Refusal = PicketValidationError | PicketApiError;
type RequestOf<Options> = Options extends { getToken?: (request: infer Req) => unknown }
  ? Req
  : never;
expectTypeOf<RequestOf<ExpressOptions>>().toEqualTypeOf<ExpressRequest>();
expectTypeOf<RequestOf<FastifyOptions>>().toEqualTypeOf<FastifyRequest>();
expectTypeOf<RequestOf<FetchOptions>>().toEqualTypeOf<Request>();
expectTypeOf<RequestOf<HonoOptions>>().toEqualTypeOf<Context>();
expectTypeOf<Parameters<NonNullable<ExpressOptions["onError"]>>[0]>().toEqualTypeOf<Refusal>();
expectTypeOf<Parameters<NonNullable<HonoOptions["onError"]>>[0]>().toEqualTypeOf<Refusal>();

function hooks(): void {
  // Express's req carries cookie-parser's `cookies`; getToken may return a promise.
  picketAuth({ validator, getToken: (req) => req.cookies?.picket_token });
  picketAuth({ validator, getToken: async (req) => req.get("x-token") ?? null });
  picketPreHandler({ validator, getToken: (request) => request.headers["x-token"] as string });
  withPicket(() => new Response(), { validator, getToken: (request) => request.headers.get("x") });
  honoAuth({ validator, getToken: (c) => getCookie(c, "picket_token") });
  // @ts-expect-error getToken returns a token (string, undefined or null), not a number
  picketAuth({ validator, getToken: () => 42 });
  // @ts-expect-error Hono's getToken gets a Context, not a Request
  honoAuth({ validator, getToken: (request: Request) => request.headers.get("x") });
  // @ts-expect-error onError is a function
  picketPreHandler({ validator, onError: "log" });
  authenticate(new Request("http://x.test"), validator, undefined, {
    getToken: (request) => request.headers.get("x"),
    onError: (error) => error.message,
  });
  // @ts-expect-error authenticate has no optional mode: it resolves with claims or rejects
  authenticate(new Request("http://x.test"), validator, undefined, { optional: true });
}

// Hono: `c.var.picket` and `c.get("picket")` are typed by the middleware, or by PicketEnv.
const honoApp = new Hono<PicketEnv>();
honoApp.get("/me", honoAuth({ validator }), (c) => {
  expectTypeOf(c.var.picket).toEqualTypeOf<PicketAccessToken>();
  expectTypeOf(c.get("picket")).toEqualTypeOf<PicketAccessToken>();
  // @ts-expect-error walletAddress is a string, not a number
  const asNumber: number = c.var.picket.walletAddress;
  // @ts-expect-error the verified token is not to be replaced by just anything
  c.set("picket", { walletAddress: "0x" });
  return c.json({ asNumber });
});
new Hono().get("/inline", honoAuth({ validator }), (c) => {
  expectTypeOf(c.var.picket).toEqualTypeOf<PicketAccessToken>();
  return c.text(c.var.picket.walletAddress);
});
new Hono().get("/maybe", honoAuth({ validator, optional: true }), (c) => {
  expectTypeOf(c.var.picket).toEqualTypeOf<PicketAccessToken | undefined>();
  // @ts-expect-error with optional: true, picket may be undefined
  c.var.picket.walletAddress;
  return c.text(c.var.picket?.walletAddress ?? "anonymous");
});
// fetch: the handler receives `PicketAccessToken | undefined`, and extra arguments keep their types.
const fetchHandler = withPicket(
  (_request: Request, picket, context: { env: string }) => {
    expectTypeOf(picket).toEqualTypeOf<PicketAccessToken | undefined>();
    expectTypeOf(context.env).toEqualTypeOf<string>();
    return Response.json({ walletAddress: picket?.walletAddress ?? null });
  },
  { validator },
);
expectTypeOf(fetchHandler).parameters.toEqualTypeOf<[Request, { env: string }]>();
expectTypeOf(fetchHandler).returns.resolves.toEqualTypeOf<Response>();
expectTypeOf(authenticate).returns.resolves.toEqualTypeOf<PicketAccessToken>();

describe("adapter types", () => {
  it("are checked by tsc in the functions above (compiled, never called with bad values)", () => {
    const checked = [expressHandler, fastifyHandler, fastifyRoutes, fetchHandler, hooks];
    expect(checked.every((check) => typeof check === "function")).toBe(true);
  });

  it("are backed by real factories", () => {
    const middleware: PicketMiddleware = picketAuth({ validator });
    expect(middleware).toBeTypeOf("function");
    expect(middleware).toHaveLength(3);
    expect(picketPreHandler({ validator })).toBeTypeOf("function");
    expect(picketPlugin).toBeTypeOf("function");
    expect(fetchHandler).toBeTypeOf("function");
    expect(honoAuth({ validator })).toBeTypeOf("function");
    expect(honoApp.routes.map((route) => route.path)).toEqual(["/me", "/me"]);
  });

  it("misuse that the types refuse also fails at run time", () => {
    expect(() => misuse()).toThrow(TypeError);
  });
});
