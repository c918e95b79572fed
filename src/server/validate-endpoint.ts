import type { IncomingMessage, ServerResponse } from "node:http";
import { isPicketValidationError } from "../errors.js";
import { errorResponse, publicMessage } from "../http/error-response.js";
import { normalizeRequirements } from "../requirements/normalize-requirements.js";
import type { PicketAccessToken, Requirements } from "../types.js";
import { BadRequestError, parseValidateBody, type ValidateRequest } from "./parse-validate-body.js";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "./read-body.js";
import { sendJson } from "./send.js";
import type { ServerContext } from "./server-context.js";

/** Picket's error body. */
interface PicketErrorBody {
  code: string;
  msg: string;
}

/**
 * `POST /api/v1/auth/validate`, as Picket answers it: 200 with the claims (camelCase, plus the
 * snake_case `wallet_address`, `display_name` and `token_balances` that picket-python reads),
 * else Picket's `{ code, msg }`: 400 for a body that cannot be read, 401, 403 or 503 for a token
 * refused (the code is the library's, the message its fixed public one), 413 for a body over
 * 1 MiB. The HTTP Basic secret key the SDKs send is not checked: this service holds no secret.
 */
export async function handleValidate(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== "POST") {
    sendJson(response, 405, picketError("method_not_allowed", "Use POST"), { allow: "POST" });
    return;
  }
  const call = await readCall(context, request, response);
  if (call === undefined) return;
  try {
    const claims = await context.validator.validate(
      call.accessToken,
      call.requirements as Requirements | undefined,
    );
    sendJson(response, 200, picketAnswer(claims));
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    const { status, headers } = errorResponse(error);
    context.log({ event: "refused", endpoint: "validate", status, code: error.code });
    sendJson(response, status, picketError(error.code, publicMessage(error.code)), headers);
  }
}

/** The body as a validate call with well-formed requirements; `undefined` once refused. */
async function readCall(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<ValidateRequest | undefined> {
  try {
    const call = parseValidateBody(await readBody(request));
    checkRequirements(call.requirements);
    return call;
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      context.log({
        event: "refused",
        endpoint: "validate",
        status: 413,
        code: "payload_too_large",
      });
      sendJson(
        response,
        413,
        picketError("payload_too_large", `The body is over ${MAX_BODY_BYTES} bytes`),
        { connection: "close" },
      );
      return undefined;
    }
    if (!(error instanceof BadRequestError)) throw error;
    context.log({ event: "refused", endpoint: "validate", status: 400, code: error.code });
    sendJson(response, 400, picketError(error.code, error.message));
    return undefined;
  }
}

/** Requirements are checked before the token: malformed ones are the caller's mistake, a 400. */
function checkRequirements(requirements: unknown): void {
  if (requirements === undefined) return;
  if (typeof requirements !== "object" || requirements === null || Array.isArray(requirements)) {
    throw new BadRequestError("parameter_invalid", "requirements must be an object");
  }
  try {
    normalizeRequirements(requirements as Requirements);
  } catch (error) {
    throw new BadRequestError("parameter_invalid", (error as Error).message);
  }
}

/** The claims as Picket's SDKs read them: picket-node the camelCase, picket-python snake_case. */
function picketAnswer(claims: PicketAccessToken): Record<string, unknown> {
  return {
    ...claims,
    wallet_address: claims.walletAddress,
    display_name: claims.displayAddress ?? claims.walletAddress,
    token_balances: claims.tokenBalances ?? {},
  };
}

/** Picket's `{ code, msg }`. */
export function picketError(code: string, msg: string): PicketErrorBody {
  return { code, msg };
}
