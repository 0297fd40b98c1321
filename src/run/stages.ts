/**
 * `--stage` on the main thread: moves every worker's connection target and
 * the message rate along the {@linkcode StageClock}, and records what each
 * stage measured (its counters and its own message latency).
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import { sinceBaseline } from "../stats/counters.ts";
import type { RunEvent, StageResult } from "../stats/result.ts";
import type { LatencyMerge } from "./latency_merge.ts";
import { connectionShares } from "./slice_plan.ts";
import { StageClock } from "./stage_clock.ts";
import type { WorkerPool } from "./worker_pool.ts";

/** What the stages drive and report to. */
export interface StageDeps {
  pool: WorkerPool;
  latency: LatencyMerge;
  event(event: RunEvent): void;
}

/** The stages of one run, as they happen. */
export class StageRunner {
  /** One entry per stage begun and ended. */
  readonly results: StageResult[] = [];
  readonly #clock: StageClock;
  readonly #deps: StageDeps;
  /** The stage running and where its counts start; null before the start. */
  #current: { index: number; at: number; counters: Float64Array } | null = null;
  #startedAt = 0;
  #shares: number[] = [];
  #rate: number | null = null;

  constructor(plan: RunPlan, deps: StageDeps) {
    this.#clock = new StageClock(plan);
    this.#deps = deps;
    this.#rate = plan.messageRate;
    this.#shares = deps.pool.slices.map((slice) => slice.connections);
  }

  /** The sum of the stages, ms. */
  get totalMs(): number {
    return this.#clock.totalMs;
  }

  /** The stage running and the number of stages; null before the start. */
  get position(): { index: number; count: number } | null {
    const current = this.#current;
    return current && { index: current.index, count: this.#clock.stages.length };
  }

  /** The stages start at `now` with the counters at that instant. */
  start(now: number, counters: Float64Array): void {
    this.#startedAt = now;
    this.#begin(0, now, counters);
    this.tick(now);
  }

  /** Moves the load to where the stages say it is at `now`. */
  tick(now: number): void {
    const current = this.#current;
    if (current === null) return;
    const point = this.#clock.at(now - this.#startedAt);
    if (point.index !== current.index) {
      const counters = this.#deps.pool.counters();
      this.#end(now, counters);
      this.#begin(point.index, now, counters);
    }
    const shares = connectionShares(this.#deps.pool.slices, point.connections);
    this.#deps.pool.sendEach((n) =>
      shares[n] === this.#shares[n] ? null : { type: "connections", count: shares[n] }
    );
    this.#shares = shares;
    if (point.messageRate !== null && point.messageRate !== this.#rate) {
      this.#rate = point.messageRate;
      this.#deps.pool.send({ type: "rate", perSecond: point.messageRate });
    }
  }

  /** The run stops at `now` with these counters: the running stage ends there. */
  finish(now: number, counters: Float64Array): void {
    if (this.#current !== null) this.#end(now, counters);
    this.#current = null;
    this.#deps.latency.closeWindow();
  }

  #begin(index: number, now: number, counters: Float64Array): void {
    this.#current = { index, at: now, counters };
    this.#deps.latency.nextWindow();
    const stages = this.#clock.stages;
    this.#deps.event({ kind: "stage", index, count: stages.length, stage: stages[index] });
  }

  #end(now: number, counters: Float64Array): void {
    const current = this.#current!;
    this.results.push({
      stage: this.#clock.stages[current.index],
      durationSeconds: (now - current.at) / 1000,
      counters: sinceBaseline(counters, current.counters),
      latency: this.#deps.latency.closeWindow(),
    });
  }
}
