import type { IncomingMessage, ServerResponse } from "node:http";
import { isPicketValidationError } from "../errors.js";
import { errorResponse } from "../http/error-response.js";
import type { PicketAccessToken } from "../types.js";
import { readRequestToken } from "./read-request-token.js";
import { sendEmpty, sendJson } from "./send.js";
import type { ServerContext } from "./server-context.js";

/** A header value a proxy can pass on: visible ASCII and spaces, nothing that could split it. */
const SAFE_HEADER_VALUE = /^[\x20-\x7E]{1,512}$/;

/**
 * `/forward-auth` and `/forward-auth/<policy>`, for proxies that ask before they pass a request
 * on (nginx `auth_request`, Traefik `ForwardAuth`, Caddy `forward_auth`, Envoy `ext_authz`). Any
 * method is accepted and the body is never read: proxies send the original method (Traefik,
 * Envoy) and Envoy appends the original path, which is why whatever follows the policy segment
 * is ignored. 200 with `X-Picket-Wallet`, `X-Picket-Chain` and `X-Picket-Token-Balance`; 401 or
 * 403 with the RFC 6750 challenge; 503 while keys cannot be had; 404 for an unknown policy, so
 * that a misspelt policy never lets a request through.
 */
export async function handleForwardAuth(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  policy: string | undefined,
): Promise<void> {
  const requirements = policy === undefined ? undefined : context.policies.get(policy);
  if (policy !== undefined && requirements === undefined) {
    context.log({
      event: "refused",
      endpoint: "forward-auth",
      status: 404,
      code: "policy_not_found",
    });
    sendJson(response, 404, { error: "policy_not_found", message: "No such policy" });
    return;
  }
  try {
    const token = readRequestToken(request.headers, context.cookie);
    const claims = await context.validator.validate(token, requirements);
    sendEmpty(response, 200, holderHeaders(claims));
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    const { status, headers, body } = errorResponse(error);
    context.log({
      event: "refused",
      endpoint: "forward-auth",
      ...(policy === undefined ? {} : { policy }),
      status,
      code: error.code,
    });
    sendJson(response, status, body, headers);
  }
}

/** The holder's wallet, chain and balance, as headers for the upstream; unsafe values left out. */
function holderHeaders(claims: PicketAccessToken): Record<string, string> {
  const headers: Record<string, string> = {};
  const add = (name: string, value: unknown) => {
    if (typeof value === "string" && SAFE_HEADER_VALUE.test(value)) headers[name] = value;
  };
  add("x-picket-wallet", claims.walletAddress);
  add("x-picket-chain", claims.chain);
  add("x-picket-token-balance", claims.tokenBalance);
  return headers;
}
