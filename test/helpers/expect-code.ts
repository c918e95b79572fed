import { expect } from "vitest";
import { type ErrorCode, isPicketValidationError, PicketValidationError } from "../../src/index.js";

/** Asserts that `run` fails with a PicketValidationError of this code, and returns it. */
export async function expectCode(
  run: () => unknown,
  code: ErrorCode,
): Promise<PicketValidationError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(isPicketValidationError(caught), `expected ${code}, got ${String(caught)}`).toBe(true);
  const error = caught as PicketValidationError;
  expect(error).toBeInstanceOf(PicketValidationError);
  expect(error.code).toBe(code);
  return error;
}
