import { platform } from "#platform";
import { PicketValidationError } from "../errors.js";
import type { AlgorithmSpec } from "../platform/algorithms.js";
import { checkHeader } from "./check-header.js";
import { decodeBase64UrlPart, decodeJsonObject, splitToken } from "./parse-token.js";

/** A token read and its header checked; its claims are not to be trusted before the signature. */
export interface ReadToken {
  /** The algorithm to verify with, as the checked header names it. */
  spec: AlgorithmSpec;
  /** The header's `kid`, if any. */
  kid: string | undefined;
  claims: Record<string, unknown>;
  /** The bytes the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is the point
const ASCII = /^[\u0000-\u007f]*$/;

/**
 * The first stage of validation: size, structure, header. Every token's header is decoded and
 * checked: remembering checked headers saved nothing a benchmark row could tell from noise.
 */
export class TokenReader {
  readonly #algorithms: ReadonlyMap<string, AlgorithmSpec>;
  readonly #maxTokenBytes: number;

  constructor(algorithms: ReadonlyMap<string, AlgorithmSpec>, maxTokenBytes: number) {
    this.#algorithms = algorithms;
    this.#maxTokenBytes = maxTokenBytes;
  }

  /** Reads a token; throws `ERR_TOKEN_TOO_LARGE`, `ERR_TOKEN_MALFORMED` or `ERR_ALG_NOT_ALLOWED`. */
  read(token: string): ReadToken {
    this.#checkSize(token);
    const parts = splitToken(token);
    const header = decodeJsonObject(parts.header, "header");
    const claims = decodeJsonObject(parts.payload, "payload");
    const signature = decodeBase64UrlPart(parts.signature, "signature");
    // Structure before header: every part must decode before the header's content is judged.
    return {
      spec: checkHeader(header, this.#algorithms),
      kid: header.kid as string | undefined,
      claims,
      signature,
      signingInput: platform.asciiBytes(parts.signingInput),
    };
  }

  #checkSize(token: string): void {
    const max = this.#maxTokenBytes;
    // A UTF-8 byte is never fewer than a UTF-16 unit, nor more than three, and an ASCII
    // string (every well-formed token) is as long in bytes as in units.
    const fits =
      token.length <= max &&
      (token.length * 3 <= max || ASCII.test(token) || utf8Length(token) <= max);
    if (!fits) {
      throw new PicketValidationError(
        "ERR_TOKEN_TOO_LARGE",
        `The token is longer than maxTokenBytes (${max})`,
      );
    }
  }
}

/** The UTF-8 length of a string, lone surrogates counted as the 3-byte replacement they become. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
