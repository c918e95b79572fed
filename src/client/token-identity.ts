/**
 * What identifies a verified token for sharing Picket calls: its `tid` claim where present, else
 * the bytes its signature covers (header and payload), re-encoded canonically. Not the raw
 * string: one signed token has many spellings (the unused low bits of a base64url part, and the
 * ECDSA twin signature `(r, n - s)`), and each spelling must not cost its own call.
 *
 * Only for tokens whose signature has been checked: the identity is not a proof of anything.
 */
export function tokenIdentity(token: string, claims: Readonly<Record<string, unknown>>): string {
  if (typeof claims.tid === "string" && claims.tid !== "") return `tid:${claims.tid}`;
  const [header = "", payload = ""] = token.split(".", 2);
  return `jws:${canonicalBase64Url(header)}.${canonicalBase64Url(payload)}`;
}

/** The one spelling of the bytes a base64url text decodes to; the text itself if it is not base64url. */
function canonicalBase64Url(part: string): string {
  try {
    const bytes = atob(part.replaceAll("-", "+").replaceAll("_", "/"));
    return btoa(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  } catch {
    return part;
  }
}
