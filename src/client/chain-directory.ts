import { LRUCache } from "lru-cache";
import type { ChainInfo } from "./types.js";

/** Chain slugs whose info is kept; `chainInfo` may be called with slugs from user input. */
const MAX_CHAINS = 256;

/**
 * One client's memory of Picket's chains, for the client's lifetime: chains change far more
 * rarely than servers restart. Only answers are kept, never failures; a call in flight is not
 * shared, as each caller's `signal` and `timeout` are its own. Callers get copies, so that one
 * caller's changes never reach another.
 */
export class ChainDirectory {
  #all: ChainInfo[] | undefined;
  readonly #bySlug = new LRUCache<string, ChainInfo>({ max: MAX_CHAINS });

  /** Every chain, from memory or from `load`. */
  async all(load: () => Promise<ChainInfo[]>): Promise<ChainInfo[]> {
    this.#all ??= await load();
    return structuredClone(this.#all);
  }

  /** One chain, from memory or from `load`. */
  async one(slug: string, load: () => Promise<ChainInfo>): Promise<ChainInfo> {
    let chain = this.#bySlug.get(slug);
    if (chain === undefined) {
      chain = await load();
      this.#bySlug.set(slug, chain);
    }
    return structuredClone(chain);
  }
}
