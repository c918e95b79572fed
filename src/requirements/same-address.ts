const HEX_ADDRESS = /^0x[0-9a-fA-F]+$/;

/**
 * Whether two wallet or contract addresses are the same: EVM-style `0x` hex addresses compare
 * case-insensitively (checksummed and lower-case forms are one address), all others exactly.
 */
export function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  return (
    a.length === b.length &&
    HEX_ADDRESS.test(a) &&
    HEX_ADDRESS.test(b) &&
    a.toLowerCase() === b.toLowerCase()
  );
}
