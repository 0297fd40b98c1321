/**
 * `-r @<Latency>` on the main thread: feeds the {@linkcode RateSearch} with
 * what the workers measured since its probe began, and applies the rates
 * it asks for (each probe restarting the message latency).
 *
 * @module
 */
import type { Percentile, RunPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { RateSearchVerdict, RunEvent } from "../stats/result.ts";
import type { LatencyMerge } from "./latency_merge.ts";
import { type ProbeReading, RateSearch, type SearchStep } from "./rate_search.ts";
import { PAUSED_RATE } from "./stage_clock.ts";
import type { WorkerPool } from "./worker_pool.ts";

/** What the search drives and reports to. */
export interface SearchDeps {
  pool: WorkerPool;
  latency: LatencyMerge;
  event(event: RunEvent): void;
}

/** tcpkali's first rate when `-r` gave none before `-r @`. */
const FIRST_RATE = 100;

/** The percentile a `-r @` search holds under its bound: the first reported one, or 95. */
export function searchPercentile(plan: RunPlan): Percentile {
  return plan.latency.percentiles[0] ?? { label: "95", value: 95 };
}

/** One run's `-r @` search. */
export class SearchRunner {
  readonly #plan: RunPlan;
  readonly #deps: SearchDeps;
  readonly #search: RateSearch;
  readonly #percentile: Percentile;
  /** Messages sent (all connections) when the probe or drain began. */
  #sentAtStart = 0;
  /** Whether the search has ended. */
  done = false;

  constructor(plan: RunPlan, deps: SearchDeps) {
    this.#plan = plan;
    this.#deps = deps;
    this.#percentile = searchPercentile(plan);
    this.#search = new RateSearch(plan.latency.rateSearch!.targetMs, this.#percentile.value);
  }

  /** The first probe begins at `now`. */
  begin(now: number): void {
    this.#apply(this.#search.begin(this.#plan.messageRate ?? FIRST_RATE, now));
  }

  /** One steady-phase tick. */
  tick(now: number): void {
    if (this.done) return;
    this.#apply(this.#search.tick(now, this.#reading()));
  }

  /** How the search ended; `timedOut`: the run reached -T first. */
  verdict(timedOut: boolean): RateSearchVerdict | null {
    const search = this.#search;
    const kind = this.done ? (search.best ? "found" : "unmet") : timedOut ? "timed-out" : null;
    if (kind === null) return null;
    const { label: target, targetMs } = this.#plan.latency.rateSearch!;
    return {
      kind,
      best: search.best,
      probes: search.probes,
      percentile: this.#percentile,
      target,
      targetMs,
    };
  }

  #reading(): ProbeReading {
    const c = this.#deps.pool.counters();
    const histogram = this.#deps.latency.histograms.message;
    return {
      samples: histogram?.count ?? 0,
      percentileMs: (p) => histogram?.percentileMs(p) ?? NaN,
      sent: sentMessages(c) - this.#sentAtStart,
      // Marker mode counts messages both ways; --latency-marker counts answers.
      outstanding: c[C.requests] - c[C.responses] - c[C.responseTimeouts] +
        c[C.messagesSent] - c[C.messagesReceived],
      connections: c[C.openOut],
    };
  }

  #apply(step: SearchStep): void {
    const { pool, latency, event } = this.#deps;
    if (step.kind === "wait") return;
    const target = this.#plan.latency.rateSearch!.label;
    if (step.probe) {
      event({ kind: "probe-done", record: step.probe, percentile: this.#percentile, target });
    }
    this.#sentAtStart = sentMessages(pool.counters());
    switch (step.kind) {
      case "drain":
        pool.send({ type: "rate", perSecond: PAUSED_RATE, afresh: true });
        return;
      case "done":
        this.done = true;
        pool.send({ type: "rate", perSecond: PAUSED_RATE, afresh: true });
        return;
      case "probe": {
        const epoch = latency.newEpoch();
        pool.send({ type: "rate", perSecond: step.rate, afresh: true, epoch });
        event({
          kind: "rate-probe",
          probe: { rate: step.rate, epoch, min: step.min, max: step.max },
        });
      }
    }
  }
}

/** Messages sent so far, all connections. */
function sentMessages(c: Float64Array): number {
  return c[C.messagesWritten];
}
