/**
 * A token-gated Express app: `GET /public` for anyone, `GET /me` for any signed-in wallet, and
 * `GET /vip` for wallets holding at least 1 token of a contract. Picket is played by the test
 * issuer from `picket-validate/testing`, whose key server runs on 127.0.0.1; in production, drop
 * `jwksUri` and the validator fetches Picket's own keys.
 *
 *   npx tsx examples/express-token-gated/server.ts
 *
 * In your app, import from "picket-validate" and "picket-validate/express"; this example imports
 * the sources so that it runs without a build.
 */
import { once } from "node:events";
import { realpathSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express, { type Express } from "express";
import type { PicketClient } from "../../src/client/index.js";
import { picketAuth } from "../../src/http/express.js";
import { createValidator, type Requirements, type Validator } from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";

/** The contract whose holders may see `/vip`. */
export const VIP_CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

/** What `/vip` asks of a wallet: at least 1 token of {@link VIP_CONTRACT}. */
export const VIP_REQUIREMENTS: Requirements = { contractAddress: VIP_CONTRACT, minTokenBalance: 1 };

/**
 * The app, given a validator: routes only, no listening. Given a Picket client as `revalidate`,
 * `/vip` asks Picket once for current balances when a token falls short on balances alone, and
 * hands the fresh token back in `X-Picket-Access-Token`.
 */
export function createApp(validator: Validator, revalidate?: PicketClient): Express {
  const app = express();

  app.get("/public", (_req, res) => {
    res.json({ message: "Hello, anyone" });
  });

  app.get("/me", picketAuth({ validator }), (req, res) => {
    // picketAuth has verified the token: req.picket holds its normalized claims.
    res.json({ chain: req.picket?.chain, walletAddress: req.picket?.walletAddress });
  });

  const vip = picketAuth({
    validator,
    requirements: VIP_REQUIREMENTS,
    ...(revalidate === undefined ? {} : { revalidate }),
  });
  app.get("/vip", vip, (req, res) => {
    res.json({
      message: "Welcome, holder",
      walletAddress: req.picket?.walletAddress,
      tokenBalance: req.picket?.tokenBalance,
    });
  });

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
 */
export async function start(port = 0): Promise<RunningExample> {
  const issuer = createTestIssuer();
  const keyServer = await issuer.serve();
  const validator = createValidator({ projectId: issuer.projectId, jwksUri: keyServer.jwksUri });
  // Fail at start-up, not on the first request, when the keys cannot be had.
  await validator.ready();

  const server: Server = createApp(validator).listen(port, "127.0.0.1");
  await once(server, "listening");
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

/** Whether the module at `moduleUrl` (pass `import.meta.url`) is the script node started with. */
export function isMain(moduleUrl: string): boolean {
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
curl -i -H "Authorization: Bearer $HOLDER" ${running.url}/vip`);
  process.once("SIGINT", () => {
    void running.close();
  });
}
