/**
 * Calls a user-supplied hook (`onEvent`, `onError`) so that it can never decide a request's
 * fate: a synchronous throw is swallowed, and a returned promise (an `async` hook) gets a
 * rejection handler, so that a failing metrics backend is never an unhandled rejection that
 * ends the process. The hook is never awaited.
 */
export function callHook<A extends unknown[]>(
  hook: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  if (hook === undefined) return;
  try {
    const result = hook(...args);
    if (isThenable(result)) result.then(undefined, ignore);
  } catch {
    // A faulty hook must never decide a token's fate.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function ignore(): void {}
