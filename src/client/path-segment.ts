/**
 * A path parameter, encoded for the URL. A `TypeError` for an empty value and for `.` and `..`:
 * `encodeURIComponent` leaves dot segments as they are and the URL parser resolves them, so that
 * `{ chain: "..", walletAddress: ".." }` would send the secret key to another endpoint.
 */
export function pathSegment(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  if (value === "." || value === "..") {
    throw new TypeError(`${name} cannot be "${value}": a dot segment would change the endpoint`);
  }
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate has no UTF-8 form.
    throw new TypeError(`${name} must be well-formed Unicode`);
  }
}
