/**
 * Throws a `TypeError` for the first own key of `value` that is not in `known`, naming the
 * function it was given to and the nearest known key: a misspelt option must fail at creation,
 * never be ignored (`requirment:` silently dropped would open a gate). `elsewhere` says where
 * keys that belong to another function go (`baseUrl` given to `new Picket`, say): a key that is,
 * or is nearest to, one of them gets that advice.
 *
 * @example
 * refuseUnknownKeys({ requirment: {} }, ["requirements"], "picketAuth")
 * // TypeError: options.requirment is not an option of picketAuth; did you mean requirements?
 */
export function refuseUnknownKeys(
  value: object,
  known: readonly string[],
  owner: string,
  prefix = "",
  elsewhere: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    throw new TypeError(
      `options.${prefix}${key} is not an option of ${owner}; ${hint(key, known, prefix, elsewhere)}`,
    );
  }
}

function hint(
  key: string,
  known: readonly string[],
  prefix: string,
  elsewhere: Readonly<Record<string, string>>,
): string {
  const advice = new Map(Object.entries(elsewhere));
  const nearest = nearestKey(key, [...known, ...advice.keys()]);
  if (nearest === undefined) {
    return known.length === 0 ? "it takes no options" : `known options: ${known.join(", ")}`;
  }
  const goes = advice.get(nearest);
  if (goes === undefined) return `did you mean ${prefix}${nearest}?`;
  return nearest === key ? goes : `did you mean ${nearest}? ${goes}`;
}

/**
 * The known key closest to `key` by edit distance, ignoring case, where it is close enough, one
 * contains the other (`maxSize` → `max`) or `key` is a shortening of it (`minBalance` →
 * `minTokenBalance`); `undefined` when none is.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const limit = Math.max(2, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const near =
      distance <= limit ||
      contains(lower, other) ||
      contains(other, lower) ||
      shortens(lower, other);
    if (near && distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Whether `text` contains `part`, a part long enough to mean something (3 letters or more). */
function contains(text: string, part: string): boolean {
  return part.length >= 3 && text.includes(part);
}

/** Whether `short` is `long` with letters left out, starting alike (4 letters or more). */
function shortens(short: string, long: string): boolean {
  if (short.length < 4 || short[0] !== long[0]) return false;
  let at = 0;
  for (const letter of long) if (letter === short[at]) at += 1;
  return at >= short.length;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        substitution,
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
