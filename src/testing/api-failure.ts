/** A refusal of the stand-in's API, answered as Picket's `{ code, msg }` body with `status`. */
export class ApiFailure extends Error {
  override name = "ApiFailure" as const;
  /** The HTTP status, such as 401. */
  readonly status: number;
  /** Picket's error code, such as `api_key_invalid`. */
  readonly code: string;

  constructor(status: number, code: string, msg: string) {
    super(msg);
    this.status = status;
    this.code = code;
  }
}

/** A request's JSON field that must be a non-empty string; 400 `parameter_invalid` when it is not. */
export function textField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") {
    throw new ApiFailure(400, "parameter_invalid", `${name} must be a non-empty string`);
  }
  return value;
}

/** Whether a value is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
