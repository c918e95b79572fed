import type { NextRequest } from "next/server.js";
import { admitPicketUser } from "./picket-gate.js";

/**
 * The Edge runtime variant of proxy.ts: renamed to middleware.ts (and proxy.ts removed, as Next
 * refuses to build an app with both), it runs before every /api route on the Edge runtime, the
 * default for middleware.ts, where picket-validate verifies with Web Crypto.
 */
export function middleware(request: NextRequest): Promise<Response> {
  return admitPicketUser(request);
}

export const config = { matcher: "/api/:path*" };
