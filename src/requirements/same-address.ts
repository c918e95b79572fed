const HEX_ADDRESS = /^0x[0-9a-fA-F]+$/;

/**
 * The form under which an address is compared: EVM-style `0x` hex addresses in lower case
 * (checksummed and lower-case forms are one address), every other address (Solana base58) as
 * it is.
 */
export function addressKey(address: string): string {
  return HEX_ADDRESS.test(address) ? address.toLowerCase() : address;
}

/**
 * Whether two wallet or contract addresses are the same: EVM-style `0x` hex addresses compare
 * case-insensitively, all others exactly.
 */
export function sameAddress(a: string, b: string): boolean {
  return a === b || (a.length === b.length && addressKey(a) === addressKey(b));
}
