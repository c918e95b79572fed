/**
 * The whole story against the Picket stand-in of `picket-validate/testing`, offline: a wallet
 * logs in with a real signature, is refused `/vip`, acquires the token, and `/vip` re-authorizes
 * through Picket (`revalidate`) and hands back a fresh token, which then passes locally.
 *
 *   npx tsx examples/express-token-gated/with-stand-in.ts
 */
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPicketClient, type PicketClient } from "../../src/client/index.js";
import { createValidator } from "../../src/index.js";
import {
  createSigningMessage,
  type PicketStandIn,
  servePicket,
  type TestWallet,
  testWallet,
} from "../../src/testing/index.js";
import { createApp, isMain, VIP_CONTRACT } from "./server.js";

/** The app, running against a stand-in of Picket. */
export interface StandInExample {
  /** The app's URL. */
  url: string;
  /** Picket's stand-in: set balances, read `requests`. */
  stand: PicketStandIn;
  /** The app's client of Picket, pointed at the stand-in. */
  picket: PicketClient;
  close(): Promise<void>;
}

/**
 * Starts the stand-in and the app, whose validator fetches the stand-in's keys and whose `/vip`
 * revalidates through it. `clock` drives the client's revalidation cooldown.
 */
export async function startWithStandIn(clock: () => number = Date.now): Promise<StandInExample> {
  const stand = await servePicket();
  const picket = createPicketClient({ secretKey: stand.secretKey, baseUrl: stand.baseUrl, clock });
  const validator = createValidator({ projectId: stand.projectId, jwksUri: stand.jwksUri });
  await validator.ready();
  const server: Server = createApp(validator, picket).listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stand,
    picket,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stand.close();
    },
  };
}

/** Logs a wallet in as a browser would: nonce, signature of the message, token. */
export async function logIn(picket: PicketClient, wallet: TestWallet): Promise<string> {
  const { nonce, statement } = await picket.nonce({
    chain: wallet.chain,
    walletAddress: wallet.address,
  });
  const message = createSigningMessage({ statement, walletAddress: wallet.address, nonce });
  const signature = wallet.signMessage(message);
  const { accessToken } = await picket.auth({
    chain: wallet.chain,
    walletAddress: wallet.address,
    signature,
  });
  return accessToken;
}

if (isMain(import.meta.url)) {
  // The client remembers for a minute that a token fell short; this clock lets a minute pass.
  let now = Date.now();
  const running = await startWithStandIn(() => now);
  try {
    const wallet = testWallet("ethereum");
    const token = await logIn(running.picket, wallet);
    const vip = (bearer: string) =>
      fetch(`${running.url}/vip`, { headers: { authorization: `Bearer ${bearer}` } });
    console.log(`logged in ${wallet.address}`);
    console.log(`GET /vip, holding nothing:   ${(await vip(token)).status}`);
    running.stand.setBalance({
      chain: "ethereum",
      wallet: wallet.address,
      contractAddress: VIP_CONTRACT,
      amount: "1",
    });
    now += 60_000;
    const granted = await vip(token);
    const fresh = granted.headers.get("x-picket-access-token") ?? "";
    console.log(
      `GET /vip, a minute after buying: ${granted.status}, fresh token in X-Picket-Access-Token`,
    );
    const calls = running.stand.requests.length;
    console.log(`GET /vip with the fresh token: ${(await vip(fresh)).status}`);
    console.log(`calls to Picket for it: ${running.stand.requests.length - calls}`);
  } finally {
    await running.close();
  }
}
