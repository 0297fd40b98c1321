/**
 * The main thread's view of latency: merges the workers' histogram deltas
 * exactly (never averaging percentiles), draws the live line's message-rate
 * and latency groups, writes the report lines, and drives the `-r @` rate
 * search.
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import type { LatencyHistograms } from "../stats/latency_kinds.ts";
import {
  latencyReportLine,
  latencyReportLines,
  liveLatencyGroup,
} from "../report/latency_lines.ts";
import { g } from "../shared/format.ts";
import { C } from "../stats/counters.ts";
import { LatencyHistogram } from "../stats/histogram.ts";
import { MovingAverage } from "../stats/moving_average.ts";
import type { LatencyDeltas, MeasuredKind } from "./latency_recorder.ts";
import { RateSearch, type SearchStep } from "./latency_rate_search.ts";

/** How a `-r @` search ended. */
export type SearchOutcome = "succeeded" | "failed";

/** Merged latency of a run, on the main thread. */
export class LatencyMonitor {
  /** Merged histograms of the measured kinds (message ones: current rate epoch only). */
  readonly histograms: Partial<Record<MeasuredKind, LatencyHistogram>> = {};
  /** The rate epoch whose message samples count. */
  epoch = 0;
  /** Set when a `-r @` search has ended. */
  outcome: SearchOutcome | null = null;
  readonly #plan: RunPlan;
  #search: RateSearch | null = null;
  #received: MovingAverage | null = null;
  #sent: MovingAverage | null = null;
  #lastReceived = 0;
  #lastSent = 0;

  constructor(plan: RunPlan) {
    this.#plan = plan;
    const latency = plan.latency;
    if (latency.connect) this.histograms.connect = new LatencyHistogram();
    if (latency.firstByte) this.histograms.firstbyte = new LatencyHistogram();
    if (latency.marker !== null || latency.messageMarker) {
      this.histograms.message = new LatencyHistogram();
    }
    if (latency.corrected) this.histograms.corrected = new LatencyHistogram();
  }

  /** Whether any latency is measured (the live line drops `conns`/`seen`). */
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
    }
  }

  /** tcpkali's three measurements (for StatsD gauges and the JSON result). */
  reported(): LatencyHistograms {
    const { connect, firstbyte, message } = this.histograms;
    return { connect, firstbyte, message };
  }

  /**
   * The live line's optional groups, with their leading spaces: ` (R↓ S↑
   * mps)` in marker mode, then ` (c=… fb=… m=… ms⁹⁵ᵖ)`. Call every live tick
   * (0.25 s) with the merged counters.
   */
  liveGroups(counters: Float64Array, now: number): string {
    let groups = "";
    if (this.#plan.latency.messageMarker) {
      const received = counters[C.messagesReceived];
      const sent = counters[C.messagesSent];
      if (!this.#received || !this.#sent) {
        // Averages start with the steady phase's first tick.
        this.#received = new MovingAverage(now);
        this.#sent = new MovingAverage(now);
        this.#lastReceived = received;
        this.#lastSent = sent;
      }
      this.#received.add(now, Math.max(0, received - this.#lastReceived));
      this.#sent.add(now, Math.max(0, sent - this.#lastSent));
      this.#lastReceived = received;
      this.#lastSent = sent;
      groups += ` (${this.#received.perSecond(now).toFixed(0)}↓ ${
        this.#sent.perSecond(now).toFixed(0)
      }↑ mps)`;
    }
    return groups + liveLatencyGroup(this.reported());
  }

  /**
   * The final report's latency lines in tcpkali's order, then kali's
   * `Corrected message latency at percentiles: …` right after the message line.
   */
  reportLines(): string[] {
    const { connect, firstbyte, message, corrected } = this.histograms;
    const percentiles = this.#plan.latency.percentiles;
    const lines = latencyReportLines({ connect, firstbyte, message }, percentiles);
    if (corrected) {
      lines.push(
        "Corrected " +
          latencyReportLine("message", corrected, percentiles).replace(/^Message/, "message"),
      );
    }
    return lines;
  }

  /**
   * One steady-phase tick of the `-r @` search. Returns the rate to apply
   * to every connection (with the line to print), or null.
   */
  searchTick(now: number): { rate: number; epoch: number; line: string } | null {
    const target = this.#plan.latency.rateSearch;
    if (target === null || this.outcome !== null) return null;
    this.#search ??= new RateSearch(target.targetMs, this.#plan.messageRate ?? 100, now);
    const step: SearchStep = this.#search.tick(
      now,
      () => this.histograms.message?.percentileMs(95) ?? 0,
    );
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
        return { rate: step.rate, epoch: this.epoch, line: step.line };
    }
  }

  /**
   * What to print after the report of a `-r @` run and the exit code, or
   * null when no search ran. `timedOut`: the run reached -T first.
   */
  searchVerdict(timedOut: boolean): { stdout?: string; stderr?: string; exitCode: number } | null {
    const target = this.#plan.latency.rateSearch;
    if (target === null) return null;
    if (this.outcome === "succeeded") {
      return {
        stdout: `Best --message-rate for latency ${target.label}⁹⁵ᵖ is ${g(this.#search!.rate)}`,
        exitCode: 0,
      };
    }
    if (this.outcome === "failed") {
      return {
        stderr:
          `Best --message-rate for latency ${target.label} can not be determined in time due to unstable target system behavior`,
        exitCode: 69,
      };
    }
    if (timedOut) {
      return {
        stderr: `Failed to find the best --message-rate for latency ${target.label} in -T${
          g((this.#plan.durationMs ?? 0) / 1000)
        } seconds`,
        exitCode: 69,
      };
    }
    return null;
  }
}
