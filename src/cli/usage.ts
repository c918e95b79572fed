/** The CLI's help text. */
export const USAGE = `picket-validate: check Picket access tokens offline

Usage:
  picket-validate verify [TOKEN|-] --project-id ID [--jwks FILE|URL] [--issuer ISS]
                         [--require key=value ...] [--json]
  picket-validate decode [TOKEN|-]
  picket-validate jwks [--uri URL] [--out FILE]
  picket-validate serve --project-id ID [--jwks FILE|URL] [--port N] [--host H]
                        [--config FILE]
  picket-validate stand-in [--port N] [--project-id ID] [--secret-key K]
  picket-validate --version

Commands:
  verify   validate a token: signature, issuer, audience, expiry and requirements
  decode   print a token's header and claims WITHOUT verifying anything
  jwks     fetch a key set and save it, for offline use with verify --jwks FILE
  serve    run the validation service: Picket's POST /api/v1/auth/validate offline,
           /forward-auth[/POLICY] for proxies, /healthz, /readyz, /metrics
  stand-in run an offline stand-in of Picket's API on 127.0.0.1, for end-to-end
           tests (needs: npm i -D @noble/curves @noble/hashes)

The token is read from standard input when it is "-" or absent; a pasted
"Bearer <token>" is accepted.
--require takes chain, contractAddress, minTokenBalance, creatorAddress, and the
comma-separated lists tokenIds (e.g. Solana mint addresses), collection and
allowedWallets; it may be repeated.

Environment (flags win):
  PICKET_PROJECT_ID   the project ID, for verify --project-id
  PICKET_JWKS_URI     the key set URL, for verify --jwks and jwks --uri
  PORT, HOST          where serve listens (default 8787 on 127.0.0.1)

Exit status: 0 valid, 1 invalid (the error code on stderr), 2 usage or configuration error.
`;

/** What follows the one line of a usage error. */
export const HELP_POINTER = 'Run "picket-validate --help" for usage.\n';
