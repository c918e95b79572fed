import { createServer, type Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { picketAuth } from "../../src/http/express.js";
import { type ErrorCode, PicketValidationError } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { closeServer, get, listenOnLoopback } from "../helpers/http.js";
import { SPEC_STATUS } from "../helpers/spec-errors.js";

/** The fixed public text of every code, as clients read it; written out apart from the source. */
const PUBLIC_TEXT: Record<ErrorCode, string> = {
  ERR_TOKEN_MISSING: "A Bearer access token is required",
  ERR_TOKEN_MALFORMED: "The access token is malformed",
  ERR_TOKEN_TOO_LARGE: "The access token is too large",
  ERR_ALG_NOT_ALLOWED: "The access token's algorithm or header is not accepted",
  ERR_KEY_NOT_FOUND: "The access token was signed by an unknown key",
  ERR_SIGNATURE_INVALID: "The access token's signature is invalid",
  ERR_ISSUER_INVALID: "The access token was not issued by Picket",
  ERR_AUDIENCE_INVALID: "The access token is for another project",
  ERR_TOKEN_EXPIRED: "The access token has expired",
  ERR_TOKEN_NOT_YET_VALID: "The access token is not valid yet",
  ERR_CLAIM_INVALID: "The access token has an invalid claim",
  ERR_REQUIREMENTS_NOT_MET: "The wallet does not meet this resource's token requirements",
  ERR_JWKS_UNAVAILABLE: "Access tokens cannot be checked right now",
  ERR_JWKS_INVALID: "Access tokens cannot be checked right now",
};
const CODES = Object.keys(PUBLIC_TEXT) as ErrorCode[];

describe("the answer to every error code, over real HTTP", () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const validator = createTestIssuer().validator();
    const app = express();
    // `getToken` refuses with the code the path names, as an app reading its own token may.
    app.get(
      "/:code",
      picketAuth({
        validator,
        getToken: (req) => {
          throw new PicketValidationError(req.params.code as ErrorCode, "internal detail 0x1234");
        },
      }),
      (_req, res) => res.json({ passed: true }),
    );
    server = createServer(app);
    origin = await listenOnLoopback(server);
  });
  afterAll(async () => {
    await closeServer(server);
  });

  it.each(CODES)("%s: its status, fixed message, challenge and headers", async (code) => {
    const answer = await get(`${origin}/${code}`);
    const message = PUBLIC_TEXT[code];
    expect(answer.status).toBe(SPEC_STATUS[code]);
    expect(answer.body).toEqual({ error: code, message });
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.text).not.toContain("internal detail");
    const challenge = answer.headers.get("www-authenticate");
    if (code === "ERR_TOKEN_MISSING") {
      expect(challenge).toBe('Bearer realm="picket"');
    } else if (SPEC_STATUS[code] === 503) {
      expect(challenge).toBeNull();
      expect(answer.headers.get("retry-after")).toBe("30");
    } else {
      const kind = code === "ERR_REQUIREMENTS_NOT_MET" ? "insufficient_scope" : "invalid_token";
      expect(challenge).toBe(
        `Bearer realm="picket", error="${kind}", error_description="${message}"`,
      );
      expect(answer.headers.get("retry-after")).toBeNull();
    }
  });
});
