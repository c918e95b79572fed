import { createValidationServer, type ValidationServerOptions } from "../../src/server/index.js";
import type { ServerLogEntry } from "../../src/server/server-context.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";

/** A validation service on a free loopback port, its issuer, and what it logged. */
export interface StartedService {
  origin: string;
  issuer: TestIssuer;
  logs: ServerLogEntry[];
  close(): Promise<void>;
}

/** The contract and wallet of the `holders` policy every started service has. */
export const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

/**
 * Starts a service validating `issuer`'s tokens offline, with a `holders` policy (2 of
 * {@link CONTRACT}), an `any` policy (no requirements) and the `picket_token` cookie.
 */
export async function startService(
  options: Partial<ValidationServerOptions> = {},
  issuer: TestIssuer = createTestIssuer(),
): Promise<StartedService> {
  const logs: ServerLogEntry[] = [];
  const service = createValidationServer({
    validator: { projectId: issuer.projectId, jwks: issuer.jwks },
    policies: { holders: { contractAddress: CONTRACT, minTokenBalance: "2" }, any: {} },
    cookie: "picket_token",
    log: (entry) => logs.push(entry),
    ...options,
  });
  await service.ready();
  const origin = await service.listen(0);
  return { origin, issuer, logs, close: () => service.close() };
}
