const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Whether a URL is `https:`, or plain `http:` to a loopback host (tests, local stand-ins). */
export function isSecureUrl(url: URL): boolean {
  return (
    url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.test(url.hostname))
  );
}
