const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Whether a URL is `https:`, or plain `http:` to a loopback host (tests, local stand-ins). */
export function isSecureUrl(url: URL): boolean {
  return (
    url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.test(url.hostname))
  );
}

/** Returns the key-set URL as a string, or throws a `TypeError` unless it is `https:` or loopback `http:`. */
export function checkJwksUri(uri: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch {
    throw new TypeError("options.jwksUri must be an absolute URL");
  }
  if (isSecureUrl(url)) return url.href;
  throw new TypeError("options.jwksUri must use https: (http: only for loopback hosts)");
}
