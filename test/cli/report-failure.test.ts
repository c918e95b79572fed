import { describe, expect, it } from "vitest";
import { CliIoError, systemReason } from "../../src/cli/cli-errors.js";
import { describeCause, reportFailure } from "../../src/cli/report-failure.js";
import { PicketValidationError } from "../../src/errors.js";

function capture() {
  const out = { stdout: "", stderr: "" };
  const io = {
    readStdin: async () => undefined,
    stdout: (text: string) => {
      out.stdout += text;
    },
    stderr: (text: string) => {
      out.stderr += text;
    },
    env: {},
  };
  return { io, out };
}

describe("describeCause", () => {
  it("joins a cause chain on one line, outermost first", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
    });
    expect(describeCause(new TypeError("fetch failed", { cause: refused }))).toBe(
      "fetch failed: connect ECONNREFUSED 127.0.0.1:9",
    );
  });

  it("names the parts of an AggregateError, or a code or name when there is no message", () => {
    const both = new AggregateError([new Error("to ::1"), new Error("to 127.0.0.1")], "");
    expect(describeCause(both)).toBe("to ::1; to 127.0.0.1");
    expect(describeCause(Object.assign(new Error(""), { code: "ETIMEDOUT" }))).toBe("ETIMEDOUT");
    expect(describeCause(new RangeError(""))).toBe("RangeError");
    expect(describeCause("a string")).toBe("a string");
    expect(describeCause(undefined)).toBe("");
  });

  it("stops at a cycle and after five causes", () => {
    const loop = new Error("a");
    loop.cause = loop;
    expect(describeCause(loop)).toBe("a");
    let deep: Error = new Error("0");
    for (let depth = 1; depth < 10; depth += 1) deep = new Error(String(depth), { cause: deep });
    expect(describeCause(deep)).toBe("9: 8: 7: 6: 5");
  });
});

describe("reportFailure", () => {
  it("exits 1 for a token, with one line and no place named", async () => {
    const { io, out } = capture();
    const failure = new PicketValidationError("ERR_TOKEN_EXPIRED", "The token expired");
    expect(await reportFailure(failure, io, { json: true, keySet: "keys.json" })).toBe(1);
    expect(out.stderr).toBe("ERR_TOKEN_EXPIRED: The token expired\n");
    expect(JSON.parse(out.stdout)).toEqual({
      error: "ERR_TOKEN_EXPIRED",
      message: "The token expired",
    });
  });

  it("exits 2 for the keys, naming the key set once", async () => {
    const { io, out } = capture();
    const named = new PicketValidationError("ERR_JWKS_INVALID", "Bad set at https://k/jwks");
    expect(await reportFailure(named, io, { json: false, keySet: "https://k/jwks" })).toBe(2);
    expect(out.stderr).toBe("ERR_JWKS_INVALID: Bad set at https://k/jwks\n");
    expect(out.stdout).toBe("");
  });
});

describe("systemReason", () => {
  it("drops the syscall and path Node appends, and keeps other messages whole", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), {
      code: "ENOENT",
      syscall: "open",
    });
    expect(systemReason(enoent)).toBe("ENOENT: no such file or directory");
    expect(systemReason(new Error("more than 10 bytes"))).toBe("more than 10 bytes");
    expect(systemReason(Object.assign(new Error(""), { code: "EIO" }))).toBe("EIO");
    expect(systemReason("plain")).toBe("plain");
    expect(new CliIoError("cannot read x", enoent).message).toBe(
      "cannot read x: ENOENT: no such file or directory",
    );
  });
});
