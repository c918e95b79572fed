import { describe, expect, it } from "vitest";
import { BadRequestError, parseValidateBody } from "../../src/server/parse-validate-body.js";

const refusal = (text: string) => {
  try {
    parseValidateBody(text);
  } catch (error) {
    if (error instanceof BadRequestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("accepted");
};

describe("parseValidateBody", () => {
  it("reads picket-node's JSON, with or without requirements", () => {
    expect(parseValidateBody('{"accessToken":"a.b.c"}')).toEqual({
      accessToken: "a.b.c",
      requirements: undefined,
    });
    expect(
      parseValidateBody('{"accessToken":"a.b.c","requirements":{"chain":"solana"},"other":1}'),
    ).toEqual({ accessToken: "a.b.c", requirements: { chain: "solana" } });
    expect(parseValidateBody('  {"access_token":"a.b.c","requirements":null}')).toEqual({
      accessToken: "a.b.c",
      requirements: undefined,
    });
  });

  it("reads picket-python's form body, whatever the content type said", () => {
    expect(parseValidateBody("access_token=a.b.c")).toEqual({
      accessToken: "a.b.c",
      requirements: undefined,
    });
  });

  it("refuses form requirements, whose values picket-python drops", () => {
    expect(refusal("access_token=a.b.c&requirements=contractAddress")).toMatchObject({
      code: "parameter_invalid",
      message: expect.stringContaining("requirements cannot be read from a form body"),
    });
  });

  it.each([
    ["", "parameter_missing"],
    ["{}", "parameter_missing"],
    ['{"accessToken":""}', "parameter_missing"],
    ['{"accessToken":["a"]}', "parameter_invalid"],
    ["[1]", "parameter_missing"],
    ["{oops", "parameter_invalid"],
    ['"a.b.c"', "parameter_missing"],
    ["access_token=a&access_token=b", "parameter_invalid"],
  ])("refuses %j with %s", (text, code) => {
    expect(refusal(text).code).toBe(code);
  });

  it("drops prototype keys from JSON", () => {
    const call = parseValidateBody(
      '{"accessToken":"a.b.c","requirements":{"__proto__":{"chain":"x"}}}',
    );
    expect(call.requirements).toEqual({});
  });
});
