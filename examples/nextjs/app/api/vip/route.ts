import type { Requirements } from "picket-validate";
import { authenticate, picketErrorResponse } from "picket-validate/fetch";
import { picketValidator } from "../../../picket-gate.js";

export const runtime = "edge";

/** Holders of at least one token of this contract. */
const VIP: Requirements = {
  contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e",
  minTokenBalance: "1",
};

/** Token-gated: 200 for holders, 403 for other signed-in wallets, 401 without a valid token. */
export async function GET(request: Request): Promise<Response> {
  try {
    const user = await authenticate(request, picketValidator(), VIP);
    return Response.json({ message: "Welcome, holder", tokenBalance: user.tokenBalance });
  } catch (error) {
    return picketErrorResponse(error);
  }
}
