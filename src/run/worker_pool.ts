/**
 * The engines of one run, from the main thread: starts one per plan slice
 * (Web Workers, or inline when workers cannot load), routes what they post,
 * and reads their shared counters at one instant.
 *
 * @module
 */
import type { FromWorker, ToWorker, WorkerSlice } from "../engine/worker_protocol.ts";
import { EXIT } from "../errors.ts";
import { mergeCounters, newCounters } from "../stats/counters.ts";
import type { MessageStopHit, RunFailure } from "../stats/result.ts";
import { type AlarmThread, startAlarmThread } from "../engine/alarm_clock.ts";
import { type EngineHandle, enginesInMain, startEngine } from "./engine_host.ts";
import type { LatencyMerge } from "./latency_merge.ts";

/** How often the counters are sampled for the steady baseline (tcpkali: 42 ms). */
const SAMPLE_MS = 50;
/** Samples kept: the ramped messages arrive well within this many SAMPLE_MS. */
const KEPT_SAMPLES = 64;

/** What the pool tells its owner. */
export interface PoolOptions {
  threaded: boolean;
  latency: LatencyMerge;
  /** Called whenever something arrives that a waiting phase may look at. */
  wake(): void;
  /** A line a worker asks to print (the run says each one once). */
  notice(line: string): void;
}

/** The running engines and what they have reported. */
export class WorkerPool {
  readonly slices: WorkerSlice[];
  /** The first fatal error a worker reported. */
  failure: RunFailure | null = null;
  /** Set when a worker's --message-stop matched (the first one wins). */
  messageStop: MessageStopHit | null = null;
  /** When the last worker's share was up (performance.timeOrigin + now, ms). */
  rampedAt = 0;
  /**
   * Every worker's counters every SAMPLE_MS since the start (the latest
   * few), each read at one instant for every worker, so that a connection
   * whose ends live in different workers is counted alike on both ends.
   */
  readonly #samples: { at: number; counters: Float64Array }[] = [];
  #sampler: ReturnType<typeof setInterval> | undefined;
  readonly #options: PoolOptions;
  readonly #engines: EngineHandle[] = [];
  readonly #arrived = new Map<string, Set<number>>();
  /** The precise alarm's helper thread (paced runs): started before the engines. */
  readonly #alarm: AlarmThread | null;

  constructor(slices: WorkerSlice[], options: PoolOptions) {
    this.slices = slices;
    this.#options = options;
    const alarm = slices[0]?.alarm ?? null;
    this.#alarm = alarm && startAlarmThread(alarm.buffer);
    const inMain = slices.length > 0 ? enginesInMain(slices[0].plan, slices.length) : 0;
    slices.forEach((slice, n) => this.#start(slice, n, options.threaded && n >= inMain));
  }

  /** Whether every worker has posted a message of this type. */
  all(type: FromWorker["type"]): boolean {
    return (this.#arrived.get(type)?.size ?? 0) === this.slices.length;
  }

  /** Whether the run must end now: a worker failed or --message-stop matched. */
  get ended(): boolean {
    return this.failure !== null || this.messageStop !== null;
  }

  /** Posts to every worker. */
  send(message: ToWorker): void {
    this.#engines.forEach((engine) => engine.postMessage(message));
  }

  /** Posts to each worker what `messageFor` returns for it (null: nothing). */
  sendEach(messageFor: (n: number) => ToWorker | null): void {
    this.#engines.forEach((engine, n) => {
      const message = messageFor(n);
      if (message !== null) engine.postMessage(message);
    });
  }

  /** Every worker's shared counters, read at one instant. */
  counters(): Float64Array {
    return mergeCounters(this.slices.map((slice) => new Float64Array(slice.counters)));
  }

  /** Starts sampling the counters for {@linkcode WorkerPool.rampBaseline}. */
  startSampling(): void {
    this.#sampler = setInterval(() => {
      this.#samples.push({
        at: performance.timeOrigin + performance.now(),
        counters: this.counters(),
      });
      if (this.#samples.length > KEPT_SAMPLES) this.#samples.shift();
    }, SAMPLE_MS);
  }

  /**
   * A sample at `at`, the instant an engine in the main isolate ramped up.
   * Timers in this thread wait while its engines work, so the interval's
   * samples may be hundreds of ms old by then (a ramp-up keeps the thread
   * busy); this one is exact.
   */
  #sampleAt(at: number): void {
    if (this.#sampler === undefined) return;
    this.#samples.push({ at, counters: this.counters() });
    if (this.#samples.length > KEPT_SAMPLES) this.#samples.shift();
  }

  /**
   * Every worker's counters as of the last sample before the ramp-up ended
   * (zero for a ramp-up shorter than SAMPLE_MS), tcpkali's baseline with
   * its granularity: traffic of a short ramp-up counts. Chosen by when the
   * workers ramped up, not when the main thread heard it, so that what a
   * connection writes right after is never cut off.
   */
  rampBaseline(): Float64Array {
    clearInterval(this.#sampler);
    let baseline = newCounters();
    for (const sample of this.#samples) if (sample.at <= this.rampedAt) baseline = sample.counters;
    return baseline;
  }

  /** Ends every engine at once. */
  terminate(): void {
    clearInterval(this.#sampler);
    this.#engines.forEach((engine) => engine.terminate());
    this.#alarm?.close();
  }

  #start(slice: WorkerSlice, n: number, inWorker: boolean): void {
    const engine = startEngine(inWorker, (at) => this.#sampleAt(at));
    engine.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data, n);
    engine.onerror = (event) => {
      event.preventDefault();
      const line = `${slice.plan.program}: worker ${slice.index} failed: ${event.message}`;
      this.#fail({ lines: [line], exitCode: EXIT.software, stdout: "" });
    };
    engine.postMessage({ type: "init", slice } satisfies ToWorker);
    this.#engines.push(engine);
  }

  #receive(message: FromWorker, n: number): void {
    const latency = this.#options.latency;
    switch (message.type) {
      case "snapshot":
        latency.absorb(message.latency);
        return;
      case "ramped":
        this.rampedAt = Math.max(this.rampedAt, message.at);
        break;
      case "final":
        latency.absorb(message.latency);
        break;
      case "notice":
        this.#options.notice(message.line);
        return;
      case "fatal":
        this.#fail({ lines: message.lines, exitCode: message.exitCode, stdout: "" });
        return;
      case "messageStop":
        if (!this.ended) this.messageStop = { chunk: message.chunk, matchEnd: message.matchEnd };
        this.#options.wake();
        return;
    }
    if (!this.#arrived.has(message.type)) this.#arrived.set(message.type, new Set());
    this.#arrived.get(message.type)!.add(n);
    this.#options.wake();
  }

  #fail(failure: RunFailure): void {
    if (!this.ended) this.failure = failure;
    this.#options.wake();
  }
}
