/**
 * `-r @<Latency>`: the search for the highest per-connection message rate
 * whose latency percentile (the first `--latency-percentiles` value, 95 by
 * default) stays under a bound. It grows the rate fourfold while probes
 * meet the bound, then bisects (geometrically) between the best rate that
 * met it and the lowest that did not, until they are 4% apart.
 *
 * A probe lasts as long as its percentile needs: until it holds enough
 * samples to leave ten above the percentile (200 for the 95th), and at
 * least a second, so that a queue building up in the peer shows. It fails
 * early once more samples exceed the bound than the full probe may hold,
 * and after MAX_PROBE_MS it is judged on what it has. Only messages sent
 * during the probe count (the histogram restarts with each probe), and
 * after a probe that missed the bound sending pauses until the peer has
 * answered what it queued, so that the next probe does not pay for it.
 *
 * Pure state: the caller supplies the clock and the readings, and applies
 * the rates it asks for.
 *
 * @module
 */
import type { ProbeRecord } from "../stats/result.ts";

/** The latency measured since the current probe began. */
export interface ProbeReading {
  /** Latency samples of messages sent since the probe began. */
  samples: number;
  /** Latency (ms) at percentile `p` of those samples. */
  percentileMs(p: number): number;
  /** Messages sent (all connections) since the probe began. */
  sent: number;
  /** Messages still awaiting their answer. */
  outstanding: number;
  /** Connections the rate applies to. */
  connections: number;
}

/** What the search wants done now. */
export type SearchStep =
  | { kind: "wait" }
  /** Pause sending: the peer still answers what the missed probe queued. */
  | { kind: "drain"; probe: ProbeRecord }
  /** Apply `rate` to every connection and restart the histogram; `probe` ended just now. */
  | { kind: "probe"; rate: number; min: number; max: number; probe: ProbeRecord | null }
  /** The search is over: `best` met the bound (null: no rate did). */
  | { kind: "done"; best: ProbeRecord | null; probe: ProbeRecord | null };

/** Growth factor while every probe meets the bound. */
const GROWTH = 4;
/** The search ends once the bracket is this narrow (hi / lo). */
const PRECISION = 1.04;
/** Samples a probe wants beyond its percentile. */
const TAIL_SAMPLES = 10;
const MIN_PROBE_MS = 1000;
const MAX_PROBE_MS = 5000;
/** A probe judged on fewer samples than this at MAX_PROBE_MS misses. */
const MIN_SAMPLES = 20;
/** A probe that sent less than this share of its rate could not drive it: it misses. */
const MIN_SENT_SHARE = 0.9;
/** Below this rate (msg/s) the search gives up. */
const FLOOR_RATE = 0.01;

/** The search controller. */
export class RateSearch {
  /** Every finished probe, in order. */
  readonly probes: ProbeRecord[] = [];
  readonly #targetMs: number;
  readonly #percentile: number;
  /** The probe being measured: its rate and start; null while draining or done. */
  #probe: { rate: number; start: number } | null = null;
  #drainStart = 0;
  #next = 0;
  #best: ProbeRecord | null = null;
  /** The lowest rate that missed the bound. */
  #lowestMiss = Infinity;
  #done = false;

  /** `percentile`: 95 or the first `--latency-percentiles` value. */
  constructor(targetMs: number, percentile: number) {
    this.#targetMs = targetMs;
    this.#percentile = percentile;
  }

  /** The best probe that met the bound so far; null if none has. */
  get best(): ProbeRecord | null {
    return this.#best;
  }

  /** The first probe, at `rate` from `now`. */
  begin(rate: number, now: number): SearchStep {
    this.#probe = { rate, start: now };
    return { kind: "probe", rate, min: 0, max: Infinity, probe: null };
  }

  /** One tick at `now` (ms) with the readings since the probe (or drain) began. */
  tick(now: number, reading: ProbeReading): SearchStep {
    if (this.#done) return { kind: "wait" };
    const probe = this.#probe;
    if (probe === null) {
      const drained = reading.outstanding <= 0 || now - this.#drainStart >= this.#drainLimitMs();
      return drained ? this.#start(now, null) : { kind: "wait" };
    }
    const record = this.#judge(probe, now, reading);
    if (record === null) return { kind: "wait" };
    this.probes.push(record);
    this.#probe = null;
    if (record.met) {
      this.#best = record;
      this.#next = this.#lowestMiss === Infinity
        ? record.rate * GROWTH
        : Math.sqrt(record.rate * this.#lowestMiss);
    } else {
      this.#lowestMiss = record.rate;
      const best = this.#best;
      this.#next = best === null ? record.rate / GROWTH : Math.sqrt(best.rate * record.rate);
    }
    const best = this.#best;
    if ((best !== null && this.#lowestMiss / best.rate <= PRECISION) || this.#next < FLOOR_RATE) {
      this.#done = true;
      return { kind: "done", best, probe: record };
    }
    if (record.met) return this.#start(now, record);
    this.#drainStart = now;
    return { kind: "drain", probe: record };
  }

  #start(now: number, ended: ProbeRecord | null): SearchStep {
    this.#probe = { rate: this.#next, start: now };
    const min = this.#best?.rate ?? 0;
    return { kind: "probe", rate: this.#next, min, max: this.#lowestMiss, probe: ended };
  }

  /** A drain waits this long at most for the peer's queue to empty. */
  #drainLimitMs(): number {
    return Math.max(1000, 20 * this.#targetMs);
  }

  /** The probe's record once it can be judged; null while it needs more. */
  #judge(probe: { rate: number; start: number }, now: number, r: ProbeReading): ProbeRecord | null {
    const elapsed = now - probe.start;
    const p = this.#percentile;
    const tail = 1 - p / 100;
    const needed = tail > 0 ? Math.ceil(TAIL_SAMPLES / tail) : Infinity;
    const allowedAbove = Math.floor(needed * tail);
    const n = r.samples;
    const record = (met: boolean, note = ""): ProbeRecord => ({
      rate: probe.rate,
      latencyMs: n > 0 ? r.percentileMs(p) : NaN,
      samples: n,
      seconds: elapsed / 1000,
      sentRate: r.sent / Math.max(1, r.connections) / Math.max(elapsed / 1000, 1e-3),
      met,
      note,
    });
    // Over the bound already: a queue in the peer only grows. Before the
    // probe has its samples, more over the bound than it may ever hold.
    if (n >= needed && r.percentileMs(p) > this.#targetMs) return record(false);
    if (
      n < needed && n > allowedAbove &&
      r.percentileMs((100 * (n - allowedAbove)) / n) > this.#targetMs
    ) {
      return record(false, `over the bound in more than ${allowedAbove} of ${needed} answers`);
    }
    const enough = n >= needed && elapsed >= MIN_PROBE_MS;
    if (!enough && elapsed < MAX_PROBE_MS) return null;
    if (n < MIN_SAMPLES) {
      return record(false, `only ${n} answers in ${(elapsed / 1000).toFixed(1)} s`);
    }
    const done = record(r.percentileMs(p) <= this.#targetMs);
    if (done.met && done.sentRate < MIN_SENT_SHARE * probe.rate) {
      return { ...done, met: false, note: `sent only ${Math.round(done.sentRate)} msg/s` };
    }
    return done;
  }
}
