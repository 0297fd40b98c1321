/**
 * The main thread's side of a run: splits the plan over workers, paces the
 * phases (bind, ramp-up, steady, stop) and returns what was measured as a
 * {@linkcode RunResult}. It prints nothing itself: progress goes to the
 * observer as events and samples, and the caller renders the result.
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import { C, newCounters, sinceBaseline, steadyBaseline } from "../stats/counters.ts";
import type { RunEvent, RunResult, RunSample } from "../stats/result.ts";
import { loadHistogramLibrary, measuresLatency } from "../stats/hdr_library.ts";
import { hostName, type RunSetup, runSetup } from "../stats/run_setup.ts";
import { type Phase, type SeriesPoint, SeriesRecorder } from "../stats/series.ts";
import { connectionLoss } from "./connection_loss.ts";
import { workersAvailable, workersReadFlag } from "./engine_host.ts";
import { LatencyMerge } from "./latency_merge.ts";
import { SearchRunner } from "./search_runner.ts";
import { Interrupts } from "./signals.ts";
import { slicePlan } from "./slice_plan.ts";
import { StageRunner } from "./stages.ts";
import { Wakeup } from "./wakeup.ts";
import { WorkerPool } from "./worker_pool.ts";

/** Who hears about a run while it lasts. */
export interface RunObserver {
  /** Prefix for the workers' own log lines (clear-to-EOL under a live display). */
  logPrefix: string;
  event(event: RunEvent): void;
  sample(sample: RunSample): void;
  /** Each per-second point of the series as it is recorded, and the last one at the stop. */
  point(point: SeriesPoint): void;
}

const TICK_MS = 250;
/** How often stages and the rate search look at the run and steer it. */
const CONTROL_TICK_MS = 50;
const STOP_GRACE_MS = 3000;

/** Runs the plan to completion. */
export async function runPlan(plan: RunPlan, observer: RunObserver): Promise<RunResult> {
  if (measuresLatency(plan.latency)) await loadHistogramLibrary();
  const run = new Run(plan, observer);
  try {
    return await run.execute();
  } finally {
    run.dispose();
  }
}

/** Where the reported counts start: the steady baseline, or zero at the start. */
interface CountFrom {
  baseline: Float64Array;
  since: number;
  phase: "steady" | "run";
}

/** What stopping the workers measured. */
interface Stopped {
  counters: Float64Array;
  durationSeconds: number;
  runCounters: Float64Array;
  runSeconds: number;
}

class Run {
  readonly #plan: RunPlan;
  readonly #observer: RunObserver;
  readonly #wakeup = new Wakeup();
  readonly #latency: LatencyMerge;
  readonly #series: SeriesRecorder;
  readonly #pool: WorkerPool;
  readonly #interrupts: Interrupts;
  readonly #setup: RunSetup;
  readonly #stages: StageRunner | null = null;
  readonly #search: SearchRunner | null = null;
  #phase: Phase = "ramp-up";
  #countFrom: CountFrom | null = null;
  #startedAt: Date | null = null;
  /** performance.now() when the workers were told to start. */
  #startNow = 0;
  #steady: { start: number; end: number | null } | null = null;
  #sampler: ReturnType<typeof setInterval> | undefined;

  constructor(plan: RunPlan, observer: RunObserver) {
    this.#plan = plan;
    this.#observer = observer;
    this.#setup = runSetup(plan, hostName());
    this.#latency = new LatencyMerge(plan);
    const latency = this.#latency;
    this.#series = new SeriesRecorder(
      latency.active
        ? { takeInterval: () => latency.takeInterval(), percentiles: plan.latency.percentiles }
        : null,
      (point) => observer.point(point),
    );
    this.#interrupts = new Interrupts((signal) => {
      observer.event({ kind: "interrupt", signal });
      this.#wakeup.wake();
    });
    const threaded = workersAvailable();
    if (!threaded && plan.workers > 1) {
      observer.event({ kind: "single-thread", readFlag: workersReadFlag() });
    }
    const slices = slicePlan(threaded ? plan : { ...plan, workers: 1 }, observer.logPrefix);
    const noticed = new Set<string>();
    this.#pool = new WorkerPool(slices, {
      threaded,
      latency,
      wake: this.#wakeup.wake,
      notice: (line) => {
        if (!noticed.has(line)) observer.event({ kind: "notice", line });
        noticed.add(line);
      },
    });
    const deps = { pool: this.#pool, latency, event: (e: RunEvent) => observer.event(e) };
    if (plan.stages !== null) this.#stages = new StageRunner(plan, deps);
    if (plan.latency.rateSearch !== null) this.#search = new SearchRunner(plan, deps);
  }

  async execute(): Promise<RunResult> {
    await this.#wait(() => this.#pool.all("ready"), null);
    if (this.#pool.ended || this.#interrupts.received) return this.#unreported();
    await this.#waitForStartAt();
    if (this.#pool.ended || this.#interrupts.received) return this.#unreported();
    this.#start();
    // Stages start at once: their first one opens the connections.
    const rampFailure = this.#stages ? null : await this.#rampUp();
    if (this.#pool.ended) return this.#unreported();
    if (rampFailure) return this.#result(await this.#stop(), { rampFailure });
    this.#beginSteady();
    await this.#steadyPhase();
    if (this.#pool.ended) return this.#unreported();
    const timedOut = !this.#interrupts.received && !this.#search?.done;
    // The `-r @` verdict is settled before the stop, so that results record it too.
    const rateSearch = this.#interrupts.received ? null : this.#search?.verdict(timedOut) ?? null;
    return this.#result(await this.#stop(), { rateSearch });
  }

  dispose(): void {
    clearInterval(this.#sampler);
    this.#interrupts.remove();
    this.#pool.terminate();
  }

  /** Waits for `done`, a deadline, a worker's failure or a signal. */
  #wait(done: () => boolean, deadline: number | null, tick?: () => void): Promise<void> {
    const over = () => done() || this.#pool.ended || this.#interrupts.received !== null;
    return this.#wakeup.until(over, deadline, { tickMs: tick ? CONTROL_TICK_MS : TICK_MS, tick });
  }

  /**
   * `--start-at`: the listeners are bound and the workers ready, so the
   * start costs nothing more than a message; sleep until the instant.
   */
  async #waitForStartAt(): Promise<void> {
    const at = this.#plan.startAtMs;
    if (at === null) return;
    const waitMs = at - Date.now();
    this.#observer.event({ kind: "start-wait", at, waitMs });
    if (waitMs > 0) await this.#wait(() => false, performance.now() + waitMs);
  }

  #start(): void {
    const now = performance.now();
    this.#countFrom = { baseline: newCounters(), since: now, phase: "run" };
    this.#startedAt = new Date();
    this.#startNow = now;
    const counters = this.#pool.counters();
    this.#series.start(counters, now, this.#startedAt.getTime());
    this.#observer.event({ kind: "started", counters, now, unixMs: this.#startedAt.getTime() });
    this.#sampler = setInterval(() => this.#sample(), TICK_MS);
    this.#pool.startSampling();
    this.#pool.send({ type: "start" });
  }

  #sample(): void {
    const now = performance.now();
    const counters = this.#pool.counters();
    this.#series.tick(counters, now);
    const steady = this.#steady;
    const progress = steady?.end != null
      ? (now - steady.start) / (steady.end - steady.start)
      : null;
    const histograms = this.#latency.histograms;
    const stage = this.#stages?.position ?? null;
    this.#observer.sample({ phase: this.#phase, now, counters, histograms, progress, stage });
  }

  /** Opens the connections; returns what failed when they could not all open in -T. */
  async #rampUp(): Promise<RunResult["rampFailure"]> {
    const plan = this.#plan;
    if (plan.connections === 0) return null;
    const deadline = plan.durationMs === null ? null : this.#countFrom!.since + plan.durationMs;
    await this.#wait(() => this.#pool.all("ramped"), deadline);
    if (this.#pool.ended || this.#interrupts.received || this.#pool.all("ramped")) {
      if (this.#pool.all("ramped")) {
        // Out of descriptors, the run goes on with the connections it could open.
        const counters = this.#pool.counters();
        const open = counters[C.socketErrors] > 0 ? counters[C.openOut] : plan.connections;
        this.#observer.event({ kind: "ramped", connections: open });
      }
      return null;
    }
    const failure = { connections: plan.connections, seconds: (plan.durationMs ?? 0) / 1000 };
    this.#observer.event({ kind: "ramp-failed", ...failure });
    return failure;
  }

  /**
   * As tcpkali, the steady phase counts bytes from the last sample before
   * the ramp-up ended, and WebSocket handshakes (which kali's ramp-up waits
   * for) are always included; its clock starts when the ramp-up ended:
   * `-c 1 -r 10 -T 2` reports 20 messages.
   */
  #beginSteady(): void {
    const baseline = steadyBaseline(this.#pool.rampBaseline());
    // The workers' clock says when the ramp-up ended; the main thread hears
    // it later (much later on a loaded machine), and what was sent between
    // is counted from the baseline, so the clock starts at the ramp's end.
    const now = performance.now();
    const rampEnd = this.#pool.rampedAt - performance.timeOrigin;
    const start = rampEnd > this.#countFrom!.since ? Math.min(now, rampEnd) : now;
    this.#countFrom = { baseline, since: start, phase: "steady" };
    const durationMs = this.#stages?.totalMs ?? this.#plan.durationMs;
    const end = durationMs === null ? null : start + durationMs;
    this.#steady = { start, end };
    this.#phase = "steady";
    this.#series.steady();
    this.#observer.event({ kind: "steady", baseline, now: start });
    this.#stages?.start(start, this.#pool.counters());
    this.#search?.begin(start);
  }

  async #steadyPhase(): Promise<void> {
    const search = this.#search;
    const stages = this.#stages;
    const steer = search || stages
      ? () => {
        const now = performance.now();
        stages?.tick(now);
        search?.tick(now);
      }
      : undefined;
    await this.#wait(() => search?.done ?? false, this.#steady!.end, steer);
  }

  /** Freezes the workers, then closes their sockets; returns the reported counts. */
  async #stop(): Promise<Stopped> {
    const pool = this.#pool;
    // Every worker's counters at one instant: a worker that handles "stop"
    // later must not count bytes its peer worker no longer does.
    const stoppedAt = performance.now();
    const final = pool.counters();
    this.#stages?.finish(stoppedAt, final);
    clearInterval(this.#sampler);
    pool.send({ type: "stop" });
    await this.#wakeup.until(() => pool.all("final"), stoppedAt + STOP_GRACE_MS, {
      tickMs: TICK_MS,
    });
    // The workers' last latency has arrived with "final": the last point holds it.
    this.#series.finish(final, stoppedAt);
    pool.send({ type: "close" });
    const closing = performance.now();
    await this.#wakeup.until(() => pool.all("closed"), closing + STOP_GRACE_MS, {
      tickMs: TICK_MS,
    });
    return this.#counted(final, stoppedAt);
  }

  /** The reported and whole-run counts of `counters` read at `now`. */
  #counted(counters: Float64Array, now: number): Stopped {
    const from = this.#countFrom;
    if (!from) {
      return {
        counters: newCounters(),
        durationSeconds: 0,
        runCounters: newCounters(),
        runSeconds: 0,
      };
    }
    return {
      counters: sinceBaseline(counters, from.baseline),
      durationSeconds: (now - from.since) / 1000,
      runCounters: counters,
      runSeconds: (now - this.#startNow) / 1000,
    };
  }

  /** A run that ends without its report: a failure, --message-stop, or a signal before the start. */
  #unreported(): RunResult {
    const now = performance.now();
    const counters = this.#pool.counters();
    this.#series.finish(counters, now);
    return { ...this.#result(this.#counted(counters, now), {}), reported: false };
  }

  #startLateness(): Pick<RunResult, "startAt" | "startLatenessMs"> {
    const at = this.#plan.startAtMs;
    const started = this.#startedAt;
    return {
      startAt: at === null ? null : new Date(at),
      startLatenessMs: at === null || !started ? null : Math.max(0, started.getTime() - at),
    };
  }

  #result(stopped: Stopped, outcome: Partial<RunResult>): RunResult {
    const pool = this.#pool;
    const plan = this.#plan;
    const rampFailure = outcome.rampFailure ?? null;
    const rateSearch = outcome.rateSearch ?? null;
    const from = this.#countFrom;
    const paced = plan.messageRate !== null && plan.latency.rateSearch === null;
    const loss = connectionLoss(plan, { total: stopped.runCounters, steady: stopped.counters });
    return {
      status: pool.failure
        ? "failed"
        : pool.messageStop
        ? "message-stop"
        : this.#interrupts.received
        ? "interrupted"
        : rampFailure
        ? "ramp-up-failed"
        : rateSearch && rateSearch.kind !== "found"
        ? "rate-search-failed"
        : loss
        ? "failed"
        : "completed",
      setup: this.#setup,
      startedAt: this.#startedAt,
      ...this.#startLateness(),
      ...stopped,
      counted: from?.phase ?? "run",
      countedFrom: from ? new Date(this.#startedAt!.getTime() + from.since - this.#startNow) : null,
      messagesAsked: paced ? plan.messageRate! * plan.connections * stopped.durationSeconds : null,
      reported: true,
      series: this.#series.points,
      histograms: this.#latency.histograms,
      percentiles: plan.latency.percentiles,
      interrupt: this.#interrupts.received,
      rampFailure,
      rateSearch,
      stages: this.#stages?.results ?? null,
      messageStop: pool.messageStop,
      failure: pool.failure,
      parts: [],
      connectionLoss: loss,
    };
  }
}
