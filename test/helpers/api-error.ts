import { expect } from "vitest";
import { isPicketApiError, type PicketApiError } from "../../src/client/index.js";

/** The PicketApiError that `run` rejects with; any other outcome fails the test. */
export async function apiError(run: () => Promise<unknown>): Promise<PicketApiError> {
  const caught = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isPicketApiError(caught), `expected a PicketApiError, got ${String(caught)}`).toBe(true);
  return caught as PicketApiError;
}
