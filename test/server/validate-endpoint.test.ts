/**
 * `POST /api/v1/auth/validate` as Picket's SDKs call it: picket-node 0.0.12 itself pointed at the
 * service, and a Python `requests` call made exactly as picket-python 0.1.1's `validate` makes it.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAnswer } from "../helpers/http.js";
import { CONTRACT, type StartedService, startService } from "./start-service.js";

/** picket-node as its users load it: a CommonJS package. */
const { default: Picket } = createRequire(import.meta.url)("@picketapi/picket-node") as {
  default: typeof import("@picketapi/picket-node", { with: {
    "resolution-mode": "require",
  }}).default;
};

let service: StartedService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const post = async (body: string, headers: Record<string, string> = {}) =>
  readAnswer(
    await fetch(`${service.origin}/api/v1/auth/validate`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    }),
  );

describe("picket-node 0.0.12 pointed at the service", () => {
  const picket = () => {
    const client = new Picket("sk_test_not_checked");
    client.baseURL = `${service.origin}/api/v1`;
    return client;
  };

  it("validates a token and resolves with Picket's claims", async () => {
    const claims = await picket().validate(service.issuer.sign({ displayAddress: "vitalik.eth" }));
    expect(claims.walletAddress).toBe(service.issuer.walletAddress);
    expect(claims.chain).toBe("ethereum");
    expect(claims.aud).toBe(service.issuer.projectId);
    expect(claims.displayAddress).toBe("vitalik.eth");
  });

  it("rejects an invalid token with Picket's { code, msg }", async () => {
    const other = service.issuer.sign({ aud: "another-project" });
    await expect(picket().validate(other)).rejects.toEqual({
      code: "ERR_AUDIENCE_INVALID",
      msg: "The access token is for another project",
    });
  });

  it("applies the requirements it sends", async () => {
    const holder = service.issuer.sign({ contractAddress: CONTRACT, tokenBalance: "3" });
    const met = await picket().validate(holder, { contractAddress: CONTRACT, minTokenBalance: 3 });
    expect(met.tokenBalance).toBe("3");
    await expect(
      picket().validate(holder, { contractAddress: CONTRACT, minTokenBalance: "3.5" }),
    ).rejects.toMatchObject({ code: "ERR_REQUIREMENTS_NOT_MET" });
  });
});

describe("the JSON body", () => {
  it("answers the snake_case fields picket-python reads beside the camelCase", async () => {
    const answer = await post(JSON.stringify({ accessToken: service.issuer.sign() }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      chain: "ethereum",
      walletAddress: service.issuer.walletAddress,
      wallet_address: service.issuer.walletAddress,
      display_name: service.issuer.walletAddress,
      token_balances: {},
    });
  });

  it("answers 400 for a body without a token, with malformed requirements, or not JSON", async () => {
    expect((await post("{}")).body).toEqual({
      code: "parameter_missing",
      msg: "accessToken is required",
    });
    const badRequirements = await post(
      JSON.stringify({
        accessToken: service.issuer.sign(),
        requirements: { minTokenBalance: "-1" },
      }),
    );
    expect(badRequirements.status).toBe(400);
    expect(badRequirements.body.code).toBe("parameter_invalid");
    const unknownKey = await post(
      JSON.stringify({ accessToken: service.issuer.sign(), requirements: { contract: CONTRACT } }),
    );
    expect(unknownKey.status).toBe(400);
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ accessToken: 5 }))).body.code).toBe("parameter_invalid");
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const answer = await post(JSON.stringify({ accessToken: "x".repeat(1_048_577) }));
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe("payload_too_large");
  });

  it("answers 405 to other methods, and 404 to the Picket calls it does not make", async () => {
    const getAnswer = await readAnswer(await fetch(`${service.origin}/api/v1/auth/validate`));
    expect(getAnswer.status).toBe(405);
    expect(getAnswer.headers.get("allow")).toBe("POST");
    for (const path of ["/api/v1/auth", "/api/v1/authz", "/api/v1/auth/nonce"]) {
      const answer = await readAnswer(
        await fetch(`${service.origin}${path}`, { method: "POST", body: "{}" }),
      );
      expect(answer.status, path).toBe(404);
      expect(answer.body.code).toBe("resource_not_found");
      expect(String(answer.body.msg)).toContain("only validates");
    }
  });
});

/** Runs python3 with `script`; `undefined` when python3 with requests is not installed. */
function runPython(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string } | undefined> {
  return new Promise((resolve) => {
    execFile("python3", ["-c", script, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null && /ModuleNotFoundError|ENOENT/.test(`${stderr}${error.message}`)) {
        resolve(undefined);
        return;
      }
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout });
    });
  });
}

/** picket-python 0.1.1's `validate`, made with `requests` exactly as its `post_request` makes it. */
const PICKET_PYTHON_VALIDATE = `
import json, os, sys
import requests
from requests.auth import HTTPBasicAuth
base_url, token = sys.argv[1], sys.argv[2]
url = os.path.join(base_url, "auth/validate")
headers = {"User-Agent": "Picket Python Client", "Content-Type": "application/json"}
data = {"access_token": token, "requirements": {}}
req = requests.post(url, auth=HTTPBasicAuth("sk_test_not_checked", ""), headers=headers, data=data)
d = req.json()
if req.status_code >= 200 and req.status_code < 300:
    print(json.dumps({"chain": d["chain"], "wallet_address": d["wallet_address"], "display_name": d["display_name"], "token_balances": d["token_balances"]}))
else:
    print(json.dumps({"status": req.status_code, "code": d["code"], "msg": d["msg"]}))
`;

describe("picket-python's validate request", () => {
  const python = async (token: string) => {
    const run = await runPython(PICKET_PYTHON_VALIDATE, [`${service.origin}/api/v1`, token]);
    if (run === undefined) {
      if (process.env.CI === "true") throw new Error("python3 with requests is required in CI");
      console.warn("skipped: python3 with requests is not installed");
      return undefined;
    }
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  it("gets the fields AuthorizedUser.from_dict reads for a valid token", async () => {
    const balances = { contractAddress: { [CONTRACT]: "4" } };
    const user = await python(service.issuer.sign({ tokenBalances: balances }));
    if (user === undefined) return;
    expect(user).toEqual({
      chain: "ethereum",
      wallet_address: service.issuer.walletAddress,
      display_name: service.issuer.walletAddress,
      token_balances: balances,
    });
  });

  it("gets Picket's { code, msg } for an expired token", async () => {
    const answer = await python(service.issuer.sign({}, { expiresIn: -1 }));
    if (answer === undefined) return;
    expect(answer).toEqual({
      status: 401,
      code: "ERR_TOKEN_EXPIRED",
      msg: "The access token has expired",
    });
  });

  it("refuses form-encoded requirements, whose values picket-python loses on the way", async () => {
    const answer = await post(`access_token=${service.issuer.sign()}&requirements=contractAddress`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("parameter_invalid");
  });
});
