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
  return { chain: chainName(prefix), network: prefix.slice(slash + 1), walletAddress };
}

/** `chain` or `chain/network` as a chain name: the bare chain on a main network. */
function chainName(name: string): string {
  const slash = name.indexOf("/");
  return slash !== -1 && MAIN_NETWORKS.has(name.slice(slash + 1)) ? name.slice(0, slash) : name;
}

/**
 * The chain a token is for, from its `chain` claim and its subject. The subject's network always
 * applies: a `chain` claim cannot lift a testnet subject (`ethereum/goerli:…`) to the main
 * network, so where both exist the chain is the subject's. The claim may name the subject's chain
 * with or without its network; `null` where it names another chain.
 */
export function chainOf(
  claim: string | undefined,
  subject: Subject | undefined,
): string | null | undefined {
  if (subject === undefined || claim === undefined) return claim ?? subject?.chain;
  const named = chainName(claim);
  const slash = subject.chain.indexOf("/");
  const bare = slash === -1 ? subject.chain : subject.chain.slice(0, slash);
  return named === subject.chain || named === bare ? subject.chain : null;
}

/**
 * The chain and wallet that claims name, read leniently (a claim of the wrong type counts as
 * absent, a `chain` claim at odds with `sub` leaves no chain): for checks on claims that have
 * not been normalized.
 */
export function holderOf(claims: Readonly<Record<string, unknown>>): {
  chain: string | undefined;
  walletAddress: string | undefined;
} {
  const fromSub = typeof claims.sub === "string" ? parseSubject(claims.sub) : undefined;
  return {
    chain:
      chainOf(typeof claims.chain === "string" ? claims.chain : undefined, fromSub) ?? undefined,
    walletAddress:
      typeof claims.walletAddress === "string" ? claims.walletAddress : fromSub?.walletAddress,
  };
}
