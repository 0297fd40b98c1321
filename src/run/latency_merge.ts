/**
 * The main thread's view of latency: merges the workers' histogram deltas
 * exactly (never averaging percentiles), keeps only the current rate
 * epoch's message samples (`-r @` probes), and collects a second set over a
 * window (one `--stage`).
 *
 * @module
 */
import type { LatencyDeltas } from "../engine/latency_recorder.ts";
import type { RunPlan } from "../plan.ts";
import { LatencyHistogram } from "../stats/histogram.ts";
import {
  type MeasuredHistograms,
  measuredHistograms,
  type MeasuredKind,
} from "../stats/latency_kinds.ts";

/** Merged latency of a run, on the main thread. */
export class LatencyMerge {
  /** Merged histograms of the measured kinds (message ones: current rate epoch only). */
  readonly histograms: MeasuredHistograms;
  /** The rate epoch whose message samples count. */
  epoch = 0;
  readonly #plan: RunPlan;
  /** The samples merged since the last {@link takeInterval}; never reset by a rate change. */
  #interval: MeasuredHistograms;
  /** The message latency since the window opened; null when none is open. */
  #window: LatencyHistogram | null = null;

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
      if (kind === "message") this.#window?.addDelta(delta);
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

  /** Starts a new rate epoch: message samples start afresh (`-r @` probes). */
  newEpoch(): number {
    this.epoch++;
    this.histograms.message?.reset();
    this.histograms.corrected?.reset();
    return this.epoch;
  }

  /**
   * Opens a new window of message latency (a `--stage`); returns the
   * closing one's histogram, or null when none was open or none is measured.
   */
  nextWindow(): LatencyHistogram | null {
    const closed = this.#window;
    this.#window = this.histograms.message ? new LatencyHistogram() : null;
    return closed;
  }

  /** Closes the window; returns its histogram (null when none was open). */
  closeWindow(): LatencyHistogram | null {
    const closed = this.#window;
    this.#window = null;
    return closed;
  }
}
