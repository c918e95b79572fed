/**
 * Picket's API base: every client call is a path under it.
 *
 * @example
 * ```ts
 * createPicketClient({ secretKey, baseUrl: process.env.PICKET_API_URL ?? PICKET_API_URL });
 * ```
 */
export const PICKET_API_URL = "https://picketapi.com/api/v1";
