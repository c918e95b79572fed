/** Timing helpers for side-by-side benchmarks in one process. */

/** One contender: a name and an operation to run `n` times, resolving when done. */
export interface Contender {
  name: string;
  run: (n: number) => void | Promise<void>;
}

/** Operations per second of every contender, one figure per round. */
export type Rounds = Map<string, number[]>;

/** Milliseconds elapsed on the wall: what a caller waits, the whole machine's noise included. */
export const wallClock = (): number => performance.now();

/**
 * Milliseconds of this process's CPU time (every thread): on a machine shared with other work,
 * the time a sequential run was not descheduled, so much less noisy than the wall. Not for
 * calls in flight, whose point is to use the idle cores.
 */
export const cpuClock = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Runs each contender for about `roundMs` per round, interleaved round by round so that machine
 * noise hits all of them alike, after one warm-up round that is not counted. Each round starts
 * one contender later than the last: the contender that runs right after another pays for what
 * that one left behind (garbage, cold caches), and no contender should always be that one.
 */
export async function measure(
  contenders: readonly Contender[],
  options: { rounds: number; roundMs: number; clock?: () => number },
): Promise<Rounds> {
  const now = options.clock ?? wallClock;
  const results: Rounds = new Map(contenders.map((c) => [c.name, []]));
  const batch = new Map<string, number>();
  for (const contender of contenders) {
    batch.set(contender.name, await calibrate(contender, options.roundMs / 10));
  }
  for (let round = -1; round < options.rounds; round += 1) {
    for (const contender of rotated(contenders, round + 1)) {
      const n = batch.get(contender.name) ?? 1;
      let ops = 0;
      const start = now();
      let elapsed = 0;
      while (elapsed < options.roundMs) {
        await contender.run(n);
        ops += n;
        elapsed = now() - start;
      }
      if (round >= 0) results.get(contender.name)?.push((ops * 1000) / elapsed);
    }
  }
  return results;
}

/** The list started at `offset` (modulo its length), wrapping around. */
function rotated<T>(items: readonly T[], offset: number): T[] {
  const start = offset % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** A batch size that takes about `targetMs`. */
async function calibrate(contender: Contender, targetMs: number): Promise<number> {
  let n = 1;
  for (;;) {
    const start = performance.now();
    await contender.run(n);
    const elapsed = performance.now() - start;
    if (elapsed >= targetMs || n >= 1 << 20) return n;
    n *= 2;
  }
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The `p`-th percentile (0..100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}
