/**
 * Shards: one test split over N processes (`--shard I/N`, I from 0 as
 * Kubernetes' JOB_COMPLETION_INDEX). Each process runs a deterministic
 * share of the connections and of the connect rate; together the shares
 * are the whole test, and `connection.uid` values stay distinct across
 * processes.
 *
 * @module
 */

/** Which part of a sharded test this process is. */
export interface Shard {
  /** From 0 to `count - 1`. */
  readonly index: number;
  /** How many processes share the test (1 or more). */
  readonly count: number;
}

/** The largest shard count accepted: far past any real cluster, small enough for exact uids. */
export const MAX_SHARDS = 100000;

/**
 * Shard `shard.index`'s share of `total` whole units (connections): the
 * first `total % count` shards take one more, so shares differ by at most
 * one and add up to `total` exactly.
 */
export function shardShare(total: number, shard: Shard): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index < total % shard.count ? 1 : 0);
}

/**
 * The shard's connect rate: the whole rate in proportion to its share of
 * the connections, so that every shard ramps up over the same time as the
 * unsharded run and together they open `rate` connections per second.
 * Shards with no connections (fewer connections than shards) keep an equal
 * part of the rate, which they never use.
 */
export function shardRate(rate: number, connections: number, shard: Shard): number {
  if (connections <= 0) return rate / shard.count;
  return (rate * shardShare(connections, shard)) / connections;
}

/**
 * The `connection.uid` of this process's `ordinal`-th connection (from 0):
 * uids are dealt round robin, shard I taking I+1, I+1+N, I+1+2N, … So the
 * shards' uids never collide, and the first `c` connections of the whole
 * test (each shard's first {@linkcode shardShare}) carry exactly 1..c, the
 * uids of one unsharded run. Unsharded, the uid is `ordinal + 1`.
 */
export function shardUid(ordinal: number, shard: Shard | null): number {
  return shard === null ? ordinal + 1 : ordinal * shard.count + shard.index + 1;
}
