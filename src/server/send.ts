import type { ServerResponse } from "node:http";

/** Headers every answer carries: nothing here may be cached by a proxy. */
const BASE_HEADERS = { "cache-control": "no-store" };

/** Answers `status` with a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...BASE_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Answers `status` with a text body. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  response.writeHead(status, {
    ...BASE_HEADERS,
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Answers `status` with no body and these headers. */
export function sendEmpty(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...BASE_HEADERS, "content-length": "0", ...headers });
  response.end();
}
