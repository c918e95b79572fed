/** A chain as Picket's `GET /chains` describes it. */
export interface StandInChain {
  chainSlug: string;
  chainID: number;
  chainType: "ethereum" | "solana";
  chainName: string;
  publicRPC: string;
  authorizationSupported: boolean;
}

/** The chains the stand-in knows: two EVM chains and Solana. */
export const STAND_IN_CHAINS: readonly StandInChain[] = Object.freeze([
  {
    chainSlug: "ethereum",
    chainID: 1,
    chainType: "ethereum",
    chainName: "Ethereum",
    publicRPC: "https://cloudflare-eth.com",
    authorizationSupported: true,
  },
  {
    chainSlug: "polygon",
    chainID: 137,
    chainType: "ethereum",
    chainName: "Polygon",
    publicRPC: "https://polygon-rpc.com",
    authorizationSupported: true,
  },
  {
    chainSlug: "solana",
    chainID: 0,
    chainType: "solana",
    chainName: "Solana",
    publicRPC: "https://api.mainnet-beta.solana.com",
    authorizationSupported: true,
  },
]);

/** The chain of this slug; `undefined` when the stand-in does not know it. */
export function chainNamed(slug: unknown): StandInChain | undefined {
  return STAND_IN_CHAINS.find((chain) => chain.chainSlug === slug);
}
