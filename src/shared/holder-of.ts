/** A token's chain, network and wallet as its subject names them. */
export interface Subject {
  chain: string;
  network: string | undefined;
  walletAddress: string;
}

/** Networks that count as a chain's main network: a subject on one of them names the bare chain. */
const MAIN_NETWORKS = new Set(["mainnet", "mainnet-beta"]);

/**
 * Reads `sub`: `chain:address`, or the older `chain/network:address`. A legacy subject names
 * `chain` only on the main network; on any other network the chain is `chain/network`, so that a
 * testnet token never meets a mainnet requirement. `undefined` where `sub` names no chain.
 */
export function parseSubject(sub: string): Subject | undefined {
  const colon = sub.indexOf(":");
  if (colon <= 0) return undefined;
  const prefix = sub.slice(0, colon);
  const walletAddress = sub.slice(colon + 1);
  const slash = prefix.indexOf("/");
  if (slash === -1) return { chain: prefix, network: undefined, walletAddress };
  const network = prefix.slice(slash + 1);
  const chain = MAIN_NETWORKS.has(network) ? prefix.slice(0, slash) : prefix;
  return { chain, network, walletAddress };
}

/**
 * The chain and wallet that claims name, read leniently (a claim of the wrong type counts as
 * absent): for checks on claims that have not been normalized.
 */
export function holderOf(claims: Readonly<Record<string, unknown>>): {
  chain: string | undefined;
  walletAddress: string | undefined;
} {
  const fromSub = typeof claims.sub === "string" ? parseSubject(claims.sub) : undefined;
  return {
    chain: typeof claims.chain === "string" ? claims.chain : fromSub?.chain,
    walletAddress:
      typeof claims.walletAddress === "string" ? claims.walletAddress : fromSub?.walletAddress,
  };
}
