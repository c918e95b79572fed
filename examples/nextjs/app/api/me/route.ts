/** Any signed-in wallet: the proxy (or middleware) verified the token and passed the holder on. */
export function GET(request: Request): Response {
  return Response.json({
    walletAddress: request.headers.get("x-picket-wallet"),
    chain: request.headers.get("x-picket-chain"),
  });
}
