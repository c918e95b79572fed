import type { NextRequest } from "next/server.js";
import { admitPicketUser } from "./picket-gate.js";

/**
 * Next.js 16's proxy, on the Node.js runtime (the only one proxy.ts has), before every /api
 * route: picket-validate verifies with node:crypto here, and `validateSync` works too.
 */
export function proxy(request: NextRequest): Promise<Response> {
  return admitPicketUser(request);
}

export const config = { matcher: "/api/:path*" };
