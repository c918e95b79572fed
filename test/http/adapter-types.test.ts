/**
 * Compile-time checks of the adapters' public types. `npm run typecheck` (tsc over test/) verifies
 * the `expectTypeOf` assertions and that every `@ts-expect-error` line really is an error; the
 * runtime assertions below make this a real test for vitest too.
 */
import type { RequestHandler } from "express";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { describe, expect, expectTypeOf, it } from "vitest";
import "../../src/http/express.js";
import { type PicketMiddleware, picketAuth } from "../../src/http/express.js";
import { type PicketPreHandler, picketPlugin, picketPreHandler } from "../../src/http/fastify.js";
import { authenticate, withPicket } from "../../src/http/fetch.js";
import type { PicketAccessToken } from "../../src/index.js";
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
  // @ts-expect-error authenticate takes the validator itself, not options
  authenticate(new Request("http://x.test"), { validator });
}

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
    const checked = [expressHandler, fastifyHandler, fastifyRoutes, fetchHandler];
    expect(checked.every((check) => typeof check === "function")).toBe(true);
  });

  it("are backed by real factories", () => {
    const middleware: PicketMiddleware = picketAuth({ validator });
    expect(middleware).toBeTypeOf("function");
    expect(middleware).toHaveLength(3);
    expect(picketPreHandler({ validator })).toBeTypeOf("function");
    expect(picketPlugin).toBeTypeOf("function");
    expect(fetchHandler).toBeTypeOf("function");
  });

  it("misuse that the types refuse also fails at run time", () => {
    expect(() => misuse()).toThrow(TypeError);
  });
});
