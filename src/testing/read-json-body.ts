import type { IncomingMessage } from "node:http";
import { parseJsonSafely } from "../shared/parse-json-safely.js";
import { ApiFailure, isRecord } from "./api-failure.js";

/** Bytes a request body may have. */
const MAX_BODY_BYTES = 65_536;

/**
 * Reads a request's JSON object body, counting bytes as they come: 413 past
 * {@link MAX_BODY_BYTES}, 400 for text that is not a JSON object. An empty body is `{}`.
 */
export async function readJsonBody(incoming: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBoundedText(incoming);
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = parseJsonSafely(text);
  } catch {
    throw new ApiFailure(400, "parameter_invalid", "The body is not valid JSON");
  }
  if (!isRecord(body))
    throw new ApiFailure(400, "parameter_invalid", "The body is not a JSON object");
  return body;
}

/** The body as text; past the bound, the rest is drained unread so that the 413 still reaches the client. */
function readBoundedText(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      incoming.off("data", onData);
      incoming.resume();
      reject(new ApiFailure(413, "request_too_large", `The body is over ${MAX_BODY_BYTES} bytes`));
    };
    incoming.on("data", onData);
    incoming.on("error", reject);
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
