/**
 * A token-gated Hono app on Node (`@hono/node-server`): `GET /public` for anyone, `GET /me` for
 * any signed-in wallet, `GET /vip` for wallets holding at least 1 token of a contract. The token
 * comes as `Authorization: Bearer <token>` (API clients) or in the `picket_token` cookie (a browser
 * front end). Picket is played by the test issuer from `picket-validate/testing`, whose key server
 * runs on 127.0.0.1; in production, drop `jwksUri` and the validator fetches Picket's own keys.
 *
 *   npx tsx examples/hono/server.ts
 *
 * In your app, import from "picket-validate" and "picket-validate/hono"; this example imports the
 * sources so that it runs without a build.
 */
import { realpathSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { type PicketAuthOptions, type PicketRefusal, picketAuth } from "../../src/http/hono.js";
import {
  createValidator,
  parseBearer,
  type Requirements,
  type Validator,
} from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";

/** The contract whose holders may see `/vip`. */
export const VIP_CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

/** What `/vip` asks of a wallet: at least 1 token of {@link VIP_CONTRACT}. */
export const VIP_REQUIREMENTS: Requirements = { contractAddress: VIP_CONTRACT, minTokenBalance: 1 };

/** The cookie a browser front end keeps the Picket access token in. */
export const TOKEN_COOKIE = "picket_token";

/** The Bearer token where there is an `Authorization` header, else the cookie. */
function headerOrCookie(c: Context): string | undefined {
  const header = c.req.header("authorization");
  return header === undefined ? getCookie(c, TOKEN_COOKIE) : parseBearer(header);
}

/** Writes one line per refused request: the code, and for Picket API failures, its status. */
export function logRefusal(error: PicketRefusal, c: Context): void {
  console.warn(`${c.req.method} ${c.req.path} refused: ${error.code}`);
}

/**
 * The app, given a validator: routes only, no listening.
 * @param onError told of every refused request; logs a line by default.
 */
export function createApp(
  validator: Validator,
  onError: (error: PicketRefusal, c: Context) => void = logRefusal,
): Hono {
  const guard: PicketAuthOptions = { validator, getToken: headerOrCookie, onError };
  const app = new Hono();

  app.get("/public", (c) => c.json({ message: "Hello, anyone" }));

  app.get("/me", picketAuth(guard), (c) =>
    // picketAuth has verified the token: c.var.picket holds its normalized claims.
    c.json({ chain: c.var.picket.chain, walletAddress: c.var.picket.walletAddress }),
  );

  app.get("/vip", picketAuth({ ...guard, requirements: VIP_REQUIREMENTS }), (c) =>
    c.json({
      message: "Welcome, holder",
      walletAddress: c.var.picket.walletAddress,
      tokenBalance: c.var.picket.tokenBalance,
    }),
  );

  return app;
}

/** A running example: its port and URL, the issuer that plays Picket, and how to stop it. */
export interface RunningExample {
  port: number;
  url: string;
  /** Mints tokens the app accepts (`issuer.sign(claims)`). */
  issuer: TestIssuer;
  /** Stops the app and the key server. */
  close(): Promise<void>;
}

/**
 * Starts the key server and the app on 127.0.0.1.
 * @param port where the app listens; 0 (the default) takes a free port.
 * @param onError passed to {@link createApp}.
 */
export async function start(
  port = 0,
  onError?: (error: PicketRefusal, c: Context) => void,
): Promise<RunningExample> {
  const issuer = createTestIssuer();
  const keyServer = await issuer.serve();
  const validator = createValidator({ projectId: issuer.projectId, jwksUri: keyServer.jwksUri });
  // Fail at start-up, not on the first request, when the keys cannot be had.
  await validator.ready();

  const app = createApp(validator, onError);
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () =>
      resolve(started as Server),
    );
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    issuer,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await keyServer.close();
    },
  };
}

/** Tokens to try the routes with: a holder of 2 {@link VIP_CONTRACT} tokens, a visitor with 0. */
export function sampleTokens(issuer: TestIssuer): { holder: string; visitor: string } {
  return {
    holder: issuer.sign({ contractAddress: VIP_CONTRACT, tokenBalance: "2" }),
    visitor: issuer.sign({ contractAddress: VIP_CONTRACT, tokenBalance: "0" }),
  };
}

function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

if (isMain(import.meta.url)) {
  const running = await start(Number(process.env.PORT ?? 3000));
  const { holder, visitor } = sampleTokens(running.issuer);
  console.log(`listening on ${running.url} (Ctrl-C stops)

export HOLDER=${holder}
export VISITOR=${visitor}

curl -i ${running.url}/public
curl -i ${running.url}/me
curl -i -H "Authorization: Bearer $VISITOR" ${running.url}/me
curl -i -H "Authorization: Bearer $VISITOR" ${running.url}/vip
curl -i -H "Authorization: Bearer $HOLDER" ${running.url}/vip
curl -i --cookie "${TOKEN_COOKIE}=$HOLDER" ${running.url}/vip`);
  process.once("SIGINT", () => {
    void running.close();
  });
}
