import { refuseUnknownKeys } from "../shared/strict-keys.js";
import { knownOptionKeys } from "../validator/defaults.js";
import { CLIENT_OPTION_KEYS } from "./resolve-transport.js";

const VALIDATOR_KEYS = knownOptionKeys("");
const SECRET_KEY_ADVICE =
  "the secret key is Picket's first argument: new Picket(secretKey, options)";
// Under `client`: the client's options, but the secret key and the hook, which Picket sets itself.
const CLIENT_KEYS = CLIENT_OPTION_KEYS.filter((key) => key !== "secretKey" && key !== "onEvent");

/** Top-level keys that belong to the client: where they go instead. */
const TOP_LEVEL_ELSEWHERE: Readonly<Record<string, string>> = Object.fromEntries([
  ...CLIENT_KEYS.filter((key) => !VALIDATOR_KEYS.includes(key)).map((key) => [
    key,
    `${key} is an option of createPicketClient: give it under client, as new Picket(secretKey, { projectId, client: { ${key} } })`,
  ]),
  ["secretKey", SECRET_KEY_ADVICE],
]);

const CLIENT_ELSEWHERE: Readonly<Record<string, string>> = {
  secretKey: SECRET_KEY_ADVICE,
  onEvent:
    "onEvent goes beside projectId, where it receives the validator's and the client's events",
};

/**
 * Checks `new Picket(secretKey, options)`'s options before either half is built, so that every
 * mistake names `Picket` (not `createValidator`) and a client option given at the top level is
 * pointed to `client`. Throws a `TypeError`.
 */
export function checkPicketOptions(options: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      "new Picket(secretKey, { projectId }) needs the project ID: tokens are validated locally",
    );
  }
  refuseUnknownKeys(options, [...VALIDATOR_KEYS, "client"], "Picket", "", TOP_LEVEL_ELSEWHERE);
  const given = options as Record<string, unknown>;
  if (given.projectId === undefined) {
    throw new TypeError(
      "new Picket(secretKey, { projectId }) needs options.projectId: validate() checks tokens offline, where each token's aud must be your project ID (Picket's API knew it from the secret key; offline nothing else tells it)",
    );
  }
  for (const group of ["jwksCache", "tokenCache"] as const) {
    if (isPlainObject(given[group])) {
      refuseUnknownKeys(given[group], knownOptionKeys(group), "Picket", `${group}.`);
    }
  }
  if (given.client !== undefined) {
    if (!isPlainObject(given.client)) {
      throw new TypeError("Picket: options.client must be an object of createPicketClient options");
    }
    refuseUnknownKeys(given.client, CLIENT_KEYS, "Picket", "client.", CLIENT_ELSEWHERE);
  }
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
