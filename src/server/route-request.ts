import type { IncomingMessage, ServerResponse } from "node:http";
import { handleForwardAuth } from "./forward-auth.js";
import { sendJson, sendText } from "./send.js";
import type { ServerContext } from "./server-context.js";
import { handleValidate, picketError } from "./validate-endpoint.js";

const API_PREFIX = "/api/v1/";
const FORWARD_AUTH = /^\/forward-auth(?:\/([^/]*))?(?:\/.*)?$/;

/**
 * Answers one request. A failure no handler expected is a 500 with a log line, never a crash;
 * once the server is closing, answers close their connection so that shutdown is not held up.
 */
export async function routeRequest(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (context.isClosing()) response.setHeader("connection", "close");
  try {
    await route(context, request, response);
  } catch {
    context.log({ event: "failed", status: 500, code: "internal_error" });
    if (response.headersSent) response.destroy();
    else sendJson(response, 500, { error: "internal_error", message: "Internal error" });
  }
}

async function route(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? "/").split("?", 1)[0] as string;
  const forwardAuth = FORWARD_AUTH.exec(path);
  if (forwardAuth !== null) {
    // `/forward-auth/` (Envoy's prefix plus `/`) is the plain check, like `/forward-auth`.
    const policy =
      forwardAuth[1] === undefined || forwardAuth[1] === "" ? undefined : forwardAuth[1];
    return handleForwardAuth(context, request, response, policy);
  }
  switch (path) {
    case "/api/v1/auth/validate":
      return handleValidate(context, request, response);
    case "/healthz":
      return sendJson(response, 200, { status: "up" });
    case "/readyz":
      return context.isReady()
        ? sendJson(response, 200, { status: "ready" })
        : sendJson(response, 503, { status: "loading keys" });
    case "/metrics":
      return sendText(
        response,
        200,
        context.metrics.render(),
        "text/plain; version=0.0.4; charset=utf-8",
      );
  }
  if (path.startsWith(API_PREFIX)) {
    return sendJson(
      response,
      404,
      picketError(
        "resource_not_found",
        "This service only validates access tokens (POST /api/v1/auth/validate); other Picket calls go to Picket",
      ),
    );
  }
  sendJson(response, 404, { error: "not_found", message: "No such endpoint" });
}
