import { type NextRequest, NextResponse } from "next/server.js";
import { createValidator, parseBearer, type Validator } from "picket-validate";
import { picketErrorResponse } from "picket-validate/fetch";

/** The cookie a front end may keep the access token in, instead of sending a Bearer header. */
const TOKEN_COOKIE = "picket_token";
/** Request headers the routes read the verified holder from; a client's own values are dropped. */
const WALLET_HEADER = "x-picket-wallet";
const CHAIN_HEADER = "x-picket-chain";

let validator: Validator | undefined;

/**
 * The app's one validator, created on the first request, not at module scope: `next build`
 * loads the modules where PICKET_PROJECT_ID may be unset, and createValidator throws without a
 * project ID. PICKET_JWKS (a key set as JSON) keeps the app offline; without it, Picket's keys
 * are fetched.
 */
export function picketValidator(): Validator {
  const jwks = process.env.PICKET_JWKS;
  validator ??= createValidator({
    projectId: process.env.PICKET_PROJECT_ID ?? "",
    ...(jwks ? { jwks: JSON.parse(jwks) } : {}),
  });
  return validator;
}

/**
 * What proxy.ts (Node.js runtime) and middleware.edge.ts (Edge runtime) do before every /api
 * route: refuse a request without a valid Picket token, and pass the verified wallet on as
 * request headers.
 */
export async function admitPicketUser(request: NextRequest): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.delete(WALLET_HEADER);
  headers.delete(CHAIN_HEADER);
  try {
    const token = tokenOf(request);
    const user = await picketValidator().validate(token);
    headers.set(WALLET_HEADER, user.walletAddress);
    headers.set(CHAIN_HEADER, user.chain);
    // Routes that check the token themselves see a cookie's token as a Bearer one.
    headers.set("authorization", `Bearer ${token}`);
  } catch (error) {
    return picketErrorResponse(error);
  }
  return NextResponse.next({ request: { headers } });
}

/** The Bearer token when the request sends an Authorization header, else the cookie's. */
function tokenOf(request: NextRequest): string {
  const header = request.headers.get("authorization");
  const cookie = request.cookies.get(TOKEN_COOKIE)?.value;
  if (header === null && cookie) return cookie;
  return parseBearer(header);
}
