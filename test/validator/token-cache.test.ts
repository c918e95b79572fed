import { describe, expect, it } from "vitest";
import type { PicketAccessToken } from "../../src/index.js";
import type { VerificationKey } from "../../src/jwks/import-key-set.js";
import { type CachedToken, TokenCache } from "../../src/validator/token-cache.js";
import type { ClaimExpectations } from "../../src/verify/check-claims.js";

const NOW_MS = 1_700_000_000_000;
const EXPECTATIONS: ClaimExpectations = {
  issuer: "https://picketapi.com",
  audience: "client",
  clockTolerance: 0,
  futureSkew: 0,
  maxTokenAge: undefined,
};
const TAIL = "abcdefghijklmnop";

function entryFor(name: string): CachedToken {
  const claims = Object.freeze({
    sub: name,
    exp: NOW_MS / 1000 + 3600,
    iat: NOW_MS / 1000,
  }) as unknown as PicketAccessToken;
  return { claims, key: { kid: name } as unknown as VerificationKey };
}

function cacheOf(max: number): TokenCache {
  return new TokenCache(max, () => true, EXPECTATIONS);
}

describe("TokenCache", () => {
  it("keeps a token on its second sight only", () => {
    const cache = cacheOf(4);
    const token = `header.payload.${TAIL}`;
    const entry = entryFor("one");
    cache.set(token, entry);
    expect(cache.get(token, NOW_MS)).toBeUndefined();
    cache.set(token, entry);
    expect(cache.get(token, NOW_MS)).toBe(entry);
  });

  it("keeps same-length tokens that differ in their signature's tail apart", () => {
    const cache = cacheOf(8);
    const first = `header.payload.${TAIL}`;
    const second = `header.payload.${TAIL.slice(0, -1)}q`;
    const firstEntry = entryFor("first");
    const secondEntry = entryFor("second");
    cache.set(first, firstEntry);
    cache.set(first, firstEntry);
    cache.set(second, secondEntry);
    cache.set(second, secondEntry);
    expect(cache.get(first, NOW_MS)).toBe(firstEntry);
    expect(cache.get(second, NOW_MS)).toBe(secondEntry);
  });

  it("never answers for a different token that shares the slot of a cached one", () => {
    const cache = cacheOf(8);
    const cached = `aaaaaa.payload.${TAIL}`;
    const other = `bbbbbb.payload.${TAIL}`;
    const entry = entryFor("cached");
    cache.set(cached, entry);
    cache.set(cached, entry);
    expect(cache.get(cached, NOW_MS)).toBe(entry);
    expect(cache.get(other, NOW_MS)).toBeUndefined();
  });

  it("finds tokens by their length and signature tail: a token sharing both takes the slot at once", () => {
    const cache = cacheOf(8);
    const earlier = `aaaaaa.payload.${TAIL}`;
    const later = `bbbbbb.payload.${TAIL}`;
    const earlierEntry = entryFor("earlier");
    const laterEntry = entryFor("later");
    cache.set(earlier, earlierEntry);
    cache.set(earlier, earlierEntry);
    cache.set(later, laterEntry);
    expect(cache.get(later, NOW_MS)).toBe(laterEntry);
    expect(cache.get(earlier, NOW_MS)).toBeUndefined();
  });

  it("forgets the tokens seen once when more than its size have been seen", () => {
    const cache = cacheOf(1);
    const first = `header.payload.${TAIL}`;
    const second = `header.payload.${TAIL.slice(0, -1)}q`;
    const entry = entryFor("first");
    cache.set(first, entry);
    cache.set(second, entryFor("second"));
    cache.set(first, entry);
    expect(cache.get(first, NOW_MS)).toBeUndefined();
  });

  it("remembers up to its size of tokens seen once", () => {
    const cache = cacheOf(2);
    const first = `header.payload.${TAIL}`;
    const second = `header.payload.${TAIL.slice(0, -1)}q`;
    const entry = entryFor("first");
    cache.set(first, entry);
    cache.set(second, entryFor("second"));
    cache.set(first, entry);
    expect(cache.get(first, NOW_MS)).toBe(entry);
  });
});
