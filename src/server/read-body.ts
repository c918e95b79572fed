import type { IncomingMessage } from "node:http";

/** Bodies over this many bytes are answered 413. */
export const MAX_BODY_BYTES = 1_048_576;

/** A body over {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError" as const;
}

/**
 * Reads a request body as UTF-8, counting while streaming: a declared `Content-Length` over the
 * cap is refused before a byte is read, and a chunked body as soon as it passes the cap.
 */
export async function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLargeError(`more than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`more than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
