/**
 * Starts the token-gated app, mints two tokens with the test issuer (a holder of 2 VIP tokens and
 * a wallet holding none), calls every route, prints each status and body, and stops.
 *
 *   npx tsx examples/express-token-gated/call-routes.ts
 */
import { isMain, sampleTokens, start } from "./server.js";

/** One call and what came back. */
export interface RouteCall {
  label: string;
  path: string;
  status: number;
  body: unknown;
}

/** Runs the whole flow against a fresh server and returns what each call answered. */
export async function callRoutes(): Promise<RouteCall[]> {
  const running = await start();
  try {
    const { holder, visitor } = sampleTokens(running.issuer);
    const plan: { label: string; path: string; token?: string }[] = [
      { label: "anyone", path: "/public" },
      { label: "no token", path: "/me" },
      { label: "wallet holding 0", path: "/me", token: visitor },
      { label: "wallet holding 0", path: "/vip", token: visitor },
      { label: "wallet holding 2", path: "/vip", token: holder },
    ];
    const calls: RouteCall[] = [];
    for (const step of plan) {
      const response = await fetch(`${running.url}${step.path}`, {
        headers: step.token === undefined ? {} : { authorization: `Bearer ${step.token}` },
      });
      calls.push({
        label: step.label,
        path: step.path,
        status: response.status,
        body: await response.json(),
      });
    }
    return calls;
  } finally {
    await running.close();
  }
}

if (isMain(import.meta.url)) {
  for (const call of await callRoutes()) {
    console.log(
      `GET ${call.path.padEnd(8)} ${call.label.padEnd(17)} ${call.status} ${JSON.stringify(call.body)}`,
    );
  }
}
