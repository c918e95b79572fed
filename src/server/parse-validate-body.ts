import { parseJsonSafely } from "../shared/parse-json-safely.js";

/** What a validate call asks: the token, and the requirements where it gives any. */
export interface ValidateRequest {
  accessToken: string;
  requirements: unknown;
}

/** A validate body that cannot be read: answered 400 with Picket's `{ code, msg }`. */
export class BadRequestError extends Error {
  override name = "BadRequestError" as const;

  constructor(
    readonly code: "parameter_missing" | "parameter_invalid",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a `POST /auth/validate` body as Picket's SDKs send it: JSON `{ accessToken, requirements? }`
 * (picket-node), or the form `access_token=…` that picket-python sends under a JSON content
 * type. The body's shape decides, not the content type. Other members are ignored, as Picket
 * ignores them.
 */
export function parseValidateBody(text: string): ValidateRequest {
  const body = text.trimStart().startsWith("{") ? jsonBody(text) : formBody(text);
  const token = body.accessToken ?? body.access_token;
  if (token === undefined || token === "") {
    throw new BadRequestError("parameter_missing", "accessToken is required");
  }
  if (typeof token !== "string") {
    throw new BadRequestError("parameter_invalid", "accessToken must be a string");
  }
  return { accessToken: token, requirements: body.requirements ?? undefined };
}

function jsonBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJsonSafely(text);
  } catch {
    throw new BadRequestError("parameter_invalid", "The body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequestError("parameter_invalid", "The body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/**
 * A form body. picket-python form-encodes a requirements dict as its key names only (the values
 * are lost on the way), so form requirements are refused rather than read as "none": a gate
 * must never open because its conditions could not be read.
 */
function formBody(text: string): Record<string, unknown> {
  const form = new URLSearchParams(text);
  if (form.has("requirements")) {
    throw new BadRequestError(
      "parameter_invalid",
      "requirements cannot be read from a form body (their values are lost): send JSON, or use /forward-auth/<policy>",
    );
  }
  const tokens = form.getAll("access_token").concat(form.getAll("accessToken"));
  if (tokens.length > 1) {
    throw new BadRequestError("parameter_invalid", "access_token is given more than once");
  }
  return { accessToken: tokens[0], requirements: undefined };
}
