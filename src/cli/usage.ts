/** The CLI's help text. */
export const USAGE = `picket-validate: check Picket access tokens offline

Usage:
  picket-validate verify [TOKEN|-] --project-id ID [--jwks FILE|URL] [--issuer ISS]
                         [--require key=value ...] [--json]
  picket-validate decode [TOKEN|-]
  picket-validate jwks [--uri URL] [--out FILE]

Commands:
  verify   validate a token: signature, issuer, audience, expiry and requirements
  decode   print a token's header and claims WITHOUT verifying anything
  jwks     fetch a key set and save it, for offline use with verify --jwks FILE

The token is read from standard input when it is "-" or absent.
--require takes chain, contractAddress, minTokenBalance, creatorAddress, and the
comma-separated lists tokenIds, collection and allowedWallets; it may be repeated.

Exit status: 0 valid, 1 invalid (the error code on stderr), 2 usage or configuration error.
`;
