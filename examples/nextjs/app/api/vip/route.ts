import { createValidator, type Requirements, type Validator } from "picket-validate";
import { authenticate, picketErrorResponse } from "picket-validate/fetch";

export const runtime = "edge";

/** Holders of at least one token of this contract. */
const VIP: Requirements = {
  contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e",
  minTokenBalance: "1",
};

let validator: Validator | undefined;

/** Created on the first request, as in middleware.ts, so that `next build` needs no project ID. */
function picketValidator(): Validator {
  const jwks = process.env.PICKET_JWKS;
  validator ??= createValidator({
    projectId: process.env.PICKET_PROJECT_ID ?? "",
    ...(jwks ? { jwks: JSON.parse(jwks) } : {}),
  });
  return validator;
}

/** Token-gated: 200 for holders, 403 for other signed-in wallets, 401 without a valid token. */
export async function GET(request: Request): Promise<Response> {
  try {
    const user = await authenticate(request, picketValidator(), VIP);
    return Response.json({ message: "Welcome, holder", tokenBalance: user.tokenBalance });
  } catch (error) {
    return picketErrorResponse(error);
  }
}
