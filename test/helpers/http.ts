import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What an HTTP response held: its status and headers, the body as text and, parsed, as JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; `{}` when it is not JSON (`text` tells what came). */
  body: Record<string, unknown>;
}

/** Reads a response whole, as an {@link Answer}. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Left empty: the assertions on `text` tell what came back.
  }
  return { status: response.status, headers: response.headers, text, body };
}

/**
 * GETs `url` with this `Authorization` header (none when `undefined`) and any other `headers`,
 * and reads the answer.
 */
export async function get(
  url: string,
  authorization?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return readAnswer(
    await fetch(url, {
      headers: authorization === undefined ? headers : { ...headers, authorization },
    }),
  );
}

/** The `Authorization` header value that carries `token`. */
export const bearer = (token: string): string => `Bearer ${token}`;

/** Starts `server` on a free loopback port; resolves with its origin, `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops `server` and drops its open connections. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
