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

/** The PicketValidationError that `run` throws; any other outcome fails the test. */
export function thrownBy(run: () => unknown): PicketValidationError {
  try {
    run();
  } catch (error) {
    if (isPicketValidationError(error)) return error;
    throw error;
  }
  throw new Error("expected a PicketValidationError");
}

/** The PicketValidationError that `run` rejects with; any other outcome fails the test. */
export async function rejectionOf(run: () => Promise<unknown>): Promise<PicketValidationError> {
  try {
    await run();
  } catch (error) {
    if (isPicketValidationError(error)) return error;
    throw error;
  }
  throw new Error("expected a PicketValidationError");
}
