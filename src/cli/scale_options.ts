/**
 * The scale-out options: `--shard I/N` (this process's part of a test split
 * over N processes) and `--start-at TIME` (a common wall-clock start), and
 * the share of the load a shard runs.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { MAX_SHARDS, type Shard, shardRate, shardShare } from "../shared/shard.ts";

/** `--shard I/N`: I from 0 (Kubernetes' JOB_COMPLETION_INDEX), N shards in all. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) {
    throw new UsageError(
      `--shard=${text}: expected I/N, this shard's index from 0 and the shard count (--shard 0/3)`,
    );
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) {
    throw new UsageError(`--shard=${text}: the shard count must be in [1..${MAX_SHARDS}]`);
  }
  if (index >= count) {
    throw new UsageError(`--shard=${text}: the index must be below the count (0..${count - 1})`);
  }
  return { index, count };
}

/** Epoch milliseconds below this (3 March 1973) are taken for a mistake: seconds, not ms. */
const EARLIEST_EPOCH_MS = 1e11;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Days in `month` (1..12) of `year`. */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An RFC 3339 date-time as Unix epoch ms, or null when the text is not one. */
function rfc3339Ms(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetHours = m[8] ? 0 : Number(m[10]);
  const offsetMinutes = m[8] ? 0 : Number(m[11]);
  if (
    month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 ||
    minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59
  ) return null;
  // A leap second (:60) starts at the same instant as the next second.
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second) + fraction;
  const sign = m[9] === "-" ? -1 : 1;
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60000;
}

/**
 * `--start-at TIME`: an RFC 3339 date-time (`2025-01-31T12:00:00Z`,
 * `2025-01-31T13:00:00.250+01:00`) or Unix-epoch milliseconds; returns
 * epoch ms.
 */
export function parseStartAt(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed);
    if (ms < EARLIEST_EPOCH_MS) {
      throw new UsageError(
        `--start-at=${text}: Unix time in milliseconds expected (this looks like seconds)`,
      );
    }
    if (ms > 8.64e15) throw new UsageError(`--start-at=${text}: out of range`);
    return ms;
  }
  const ms = rfc3339Ms(trimmed);
  if (ms === null || !Number.isFinite(ms)) {
    throw new UsageError(
      `--start-at=${text}: expected an RFC 3339 time (2025-01-31T12:00:00Z) or Unix epoch milliseconds`,
    );
  }
  return ms;
}

/** The figures of a run's load that add up across shards. */
export interface ShardLoad {
  /** Connections to keep open (-c). */
  connections: number;
  /** New connections per second (--connect-rate). */
  connectRate: number;
}

/**
 * The part of the load this process runs: the whole of it unsharded, else
 * its share. Every load figure that adds up across processes is scaled
 * here (and stage targets by {@linkcode shardStages}) and nowhere else;
 * per-connection figures (-r, bandwidths, content) and the listener (-l)
 * are the same in every shard.
 */
export function shardLoad(load: ShardLoad, shard: Shard | null): ShardLoad {
  if (shard === null) return load;
  return {
    connections: shardShare(load.connections, shard),
    connectRate: shardRate(load.connectRate, load.connections, shard),
  };
}

/**
 * A staged load's targets, scaled as {@linkcode shardLoad} scales the
 * load: each stage's connection target becomes the shard's share of it
 * (per-connection targets such as a message rate stay whole). Null stays
 * null; unsharded, the stages are returned as they are.
 */
export function shardStages<S extends { connections: number }>(
  stages: S[] | null,
  shard: Shard | null,
): S[] | null {
  if (stages === null || shard === null) return stages;
  return stages.map((stage) => ({ ...stage, connections: shardShare(stage.connections, shard) }));
}
