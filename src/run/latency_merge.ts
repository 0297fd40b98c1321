/**
 * The main thread's view of latency: merges the workers' histogram deltas
 * exactly (never averaging percentiles) and drives the `-r @` rate search.
 *
 * @module
 */
import type { LatencyDeltas } from "../engine/latency_recorder.ts";
import type { RunPlan } from "../plan.ts";
import {
  type MeasuredHistograms,
  measuredHistograms,
  type MeasuredKind,
} from "../stats/latency_kinds.ts";
import type { RateProbe, RateSearchVerdict } from "../stats/result.ts";
import { RateSearch } from "./rate_search.ts";

/** Merged latency of a run, on the main thread. */
export class LatencyMerge {
  /** Merged histograms of the measured kinds (message ones: current rate epoch only). */
  readonly histograms: MeasuredHistograms;
  /** The rate epoch whose message samples count. */
  epoch = 0;
  /** Set when a `-r @` search has ended. */
  outcome: "succeeded" | "failed" | null = null;
  readonly #plan: RunPlan;
  #search: RateSearch | null = null;
  /** The samples merged since the last {@link takeInterval}; never reset by a rate change. */
  #interval: MeasuredHistograms;

  constructor(plan: RunPlan) {
    this.#plan = plan;
    this.histograms = measuredHistograms(plan.latency);
    this.#interval = measuredHistograms(plan.latency);
  }

  /** Whether any latency is measured. */
  get active(): boolean {
    return Object.keys(this.histograms).length > 0;
  }

  /** Merges one worker snapshot's deltas. */
  absorb(latency: LatencyDeltas | undefined): void {
    if (!latency) return;
    for (const [kind, delta] of Object.entries(latency.deltas)) {
      const message = kind === "message" || kind === "corrected";
      if (message && latency.epoch !== this.epoch) continue; // measured at an older rate
      this.histograms[kind as MeasuredKind]?.addDelta(delta);
      this.#interval[kind as MeasuredKind]?.addDelta(delta);
    }
  }

  /**
   * The samples merged since the previous call, by kind. Unlike
   * {@link histograms}, a `-r @` rate change does not drop them: intervals
   * hold every probe's samples.
   */
  takeInterval(): MeasuredHistograms {
    const taken = this.#interval;
    this.#interval = measuredHistograms(this.#plan.latency);
    return taken;
  }

  /**
   * One steady-phase tick of the `-r @` search: the rate to apply to every
   * connection, or null.
   */
  searchTick(now: number): RateProbe | null {
    const target = this.#plan.latency.rateSearch;
    if (target === null || this.outcome !== null) return null;
    this.#search ??= new RateSearch(target.targetMs, this.#plan.messageRate ?? 100, now);
    const step = this.#search.tick(now, () => this.histograms.message?.percentileMs(95) ?? 0);
    switch (step.kind) {
      case "ongoing":
        return null;
      case "succeeded":
      case "failed":
        this.outcome = step.kind;
        return null;
      case "attempt":
        this.epoch++;
        this.histograms.message?.reset();
        this.histograms.corrected?.reset();
        return { rate: step.rate, epoch: this.epoch, min: step.min, max: step.max };
    }
  }

  /** How the search ended; `timedOut`: the run reached -T first. Null without a search. */
  searchVerdict(timedOut: boolean): RateSearchVerdict | null {
    if (this.#plan.latency.rateSearch === null) return null;
    if (this.outcome === "succeeded") return { kind: "found", rate: this.#search!.rate };
    if (this.outcome === "failed") return { kind: "unstable" };
    return timedOut ? { kind: "timed-out" } : null;
  }
}
