/** A fetch that answers every request with `answer()`, and the requests it received. */
export interface FetchStub {
  fetch: typeof globalThis.fetch;
  requests: { url: string; init: RequestInit | undefined }[];
}

/** A fetch stub answering every request with `answer()`, recording the requests. */
export function stubFetch(answer: () => Response | Promise<Response>): FetchStub {
  const requests: FetchStub["requests"] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), init });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

/** A 200 response with this body, `application/json` unless `headers` say otherwise. */
export function jsonResponse(body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { headers: { "content-type": "application/json", ...headers } });
}
