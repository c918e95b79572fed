import { describe, expect, it } from "vitest";
import { checkJwksUri, isSecureUrl } from "../../src/shared/secure-url.js";

describe("isSecureUrl", () => {
  it.each([
    "https://picketapi.com/api/v1/.well-known/jwks.json",
    "https://localhost/keys",
    "http://localhost/keys",
    "http://localhost:8080/keys",
    "http://127.0.0.1:3000/keys",
    "http://127.10.200.1/keys",
    "http://[::1]:3000/keys",
  ])("accepts %s", (url) => {
    expect(isSecureUrl(new URL(url))).toBe(true);
  });

  it.each([
    "http://picketapi.com/keys",
    "http://localhost.example.com/keys",
    "http://a.localhost/keys",
    "http://127a0b0c1/keys",
    "http://[::2]/keys",
    "ftp://localhost/keys",
    "ws://127.0.0.1/keys",
    "file:///etc/keys",
  ])("refuses %s", (url) => {
    expect(isSecureUrl(new URL(url))).toBe(false);
  });
});

describe("checkJwksUri", () => {
  it("returns the address as a string, from text or a URL", () => {
    expect(checkJwksUri("https://keys.example/jwks.json")).toBe("https://keys.example/jwks.json");
    expect(checkJwksUri(new URL("http://127.0.0.1:8080/k"))).toBe("http://127.0.0.1:8080/k");
  });

  it("refuses a relative address and plain http: off loopback, naming the option", () => {
    expect(() => checkJwksUri("/jwks.json")).toThrow("options.jwksUri must be an absolute URL");
    expect(() => checkJwksUri("http://keys.example/jwks.json")).toThrow(
      "options.jwksUri must use https: (http: only for loopback hosts)",
    );
  });
});
