/**
 * The main thread's side of a run: splits the plan over workers, paces the
 * phases (bind, ramp-up, steady, stop), draws the live line, and turns the
 * merged counters into the final report.
 *
 * @module
 */
import { EXIT } from "../errors.ts";
import type { RunPlan } from "../plan.ts";
import { finalReport } from "../report/final_report.ts";
import type { StopStatus } from "../report/json_result.ts";
import { messageStopLines, RunOutputs } from "../report/run_outputs.ts";
import { g } from "../shared/format.ts";
import {
  CLEAR_EOL,
  HIDE_CURSOR,
  rampRibbon,
  SHOW_CURSOR,
  trafficLine,
} from "../report/live_line.ts";
import { TrafficRates } from "../stats/traffic_rates.ts";
import { COUNTER_COUNT, mergeCounters, newCounters, sinceBaseline } from "../stats/counters.ts";
import { LatencyMonitor } from "./latency_monitor.ts";
import type { FromWorker, ToWorker, WorkerSlice } from "./worker_protocol.ts";
import {
  type EngineHandle,
  startInline,
  startWorker,
  workersAvailable,
  workersReadFlag,
} from "./engine_host.ts";

/** Where a run writes. */
export interface RunOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether to draw the live display (stdout is a terminal). */
  live: boolean;
  columns: number;
  utf8: boolean;
}

const LIVE_MS = 250;
const STOP_GRACE_MS = 3000;

/**
 * Splits the plan into per-worker slices; idle workers are not started.
 * The last worker owns the listeners; with two or more workers it opens no
 * outgoing connections, so accepting never waits behind connecting.
 */
export function slicePlan(plan: RunPlan, logPrefix: string): WorkerSlice[] {
  const uidCounter = new SharedArrayBuffer(4);
  const slices: WorkerSlice[] = [];
  const w = plan.workers;
  const listener = plan.listen.length > 0 ? w - 1 : -1;
  const connectors = listener >= 0 && w > 1 ? w - 1 : w;
  for (let index = 0; index < w; index++) {
    const connections = index < connectors
      ? Math.floor(plan.connections / connectors) + (index < plan.connections % connectors ? 1 : 0)
      : 0;
    const listens = index === listener;
    if (connections === 0 && !listens) continue;
    const connectRate = plan.connections > 0
      ? (plan.connectRate * connections) / plan.connections
      : plan.connectRate;
    const counters = new SharedArrayBuffer(COUNTER_COUNT * Float64Array.BYTES_PER_ELEMENT);
    slices.push({
      plan,
      index,
      connections,
      connectRate,
      listens,
      uidCounter,
      counters,
      logPrefix,
    });
  }
  return slices;
}

type Interrupt = "SIGINT" | "SIGTERM";

/** What `--json` records about a run-ending error. */
interface FatalRecord {
  status: StopStatus;
  /** The printed lines without terminal colours. */
  reason: string[];
}

class Fatal {
  constructor(
    readonly lines: string[],
    readonly exitCode: number,
    readonly stdout = "",
    readonly record: FatalRecord = { status: "failed", reason: lines },
  ) {}
}

/** Where the reported counts start: the steady baseline, or zero at the start. */
interface CountFrom {
  baseline: Float64Array;
  since: number;
}

/** Runs the plan to completion; returns the process exit code. */
export async function runPlan(plan: RunPlan, out: RunOutput): Promise<number> {
  const prefix = out.live ? CLEAR_EOL : "";
  const threaded = workersAvailable();
  if (!threaded && plan.workers > 1) {
    out.stderr(
      `${prefix}WARNING: running on one thread: engine workers need read access to kali's modules (${workersReadFlag()})\n`,
    );
  }
  const slices = slicePlan(threaded ? plan : { ...plan, workers: 1 }, prefix);
  const workers: EngineHandle[] = [];
  const waiters = new Map<string, Set<number>>();
  let wake: () => void = () => {};
  let fatal: Fatal | null = null;
  let interrupt: Interrupt | null = null;
  let interruptLine = "";
  /** Where the reported counts start; null until the workers are told to start. */
  let countFrom: CountFrom | null = null;
  const outputs = new RunOutputs(plan, out.stderr);
  const latency = new LatencyMonitor(plan);
  if (latency.active) outputs.setLatency(() => latency.reported(), plan.latency.percentiles);

  const signalled = (signal: Interrupt) => () => {
    if (interrupt) return;
    interrupt = signal;
    interruptLine = `${
      signal === "SIGINT" ? "Ctrl+C pressed" : "SIGTERM received"
    }, finishing up...`;
    out.stderr(`${prefix}${interruptLine}\n`);
    wake();
  };
  const onSigint = signalled("SIGINT");
  const onSigterm = signalled("SIGTERM");
  Deno.addSignalListener("SIGINT", onSigint);
  Deno.addSignalListener("SIGTERM", onSigterm);

  const arrived = (kind: string, index: number) => {
    if (!waiters.has(kind)) waiters.set(kind, new Set());
    waiters.get(kind)!.add(index);
    wake();
  };
  const all = (kind: string) => (waiters.get(kind)?.size ?? 0) === slices.length;
  /** Sleeps until `done()` holds, a deadline passes, or something fatal/interrupting happens. */
  const until = async (done: () => boolean, deadline: number | null, tick?: () => void) => {
    while (!done() && !fatal && !interrupt) {
      const now = performance.now();
      if (deadline !== null && now >= deadline) return;
      const wait = Math.min(LIVE_MS, deadline === null ? LIVE_MS : deadline - now);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      tick?.();
    }
  };
  const send = (message: ToWorker) => workers.forEach((w) => w.postMessage(message));
  /** Every worker's shared counters, read at one instant. */
  const sharedCounters = () =>
    mergeCounters(slices.map((slice) => new Float64Array(slice.counters)));
  /**
   * All workers' counters as of the latest snapshot any of them published.
   * Read at one instant for every worker, so that a connection whose ends
   * live in different workers is counted alike on both ends.
   */
  let sampled = newCounters();

  slices.forEach((slice, n) => {
    const worker = threaded ? startWorker() : startInline();
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      switch (message.type) {
        case "snapshot":
          sampled = sharedCounters();
          latency.absorb(message.latency);
          break;
        case "final":
          latency.absorb(message.latency);
          arrived("final", n);
          break;
        case "fatal":
          fatal ??= new Fatal(message.lines, message.exitCode);
          wake();
          break;
        case "messageStop": {
          const lines = messageStopLines(plan.outputs.messageStop!, message, out.live);
          const plain = out.live
            ? messageStopLines(plan.outputs.messageStop!, message, false)
            : lines;
          fatal ??= new Fatal([lines.stderr], EXIT.messageStop, lines.stdout + "\n", {
            status: "message-stop",
            reason: [plain.stderr, plain.stdout],
          });
          wake();
          break;
        }
        default:
          arrived(message.type, n);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fatal ??= new Fatal(
        [`${plan.program}: worker ${slice.index} failed: ${event.message}`],
        EXIT.software,
      );
      wake();
    };
    worker.postMessage({ type: "init", slice } satisfies ToWorker);
    workers.push(worker);
  });

  const finish = (code: number) => {
    Deno.removeSignalListener("SIGINT", onSigint);
    Deno.removeSignalListener("SIGTERM", onSigterm);
    workers.forEach((w) => w.terminate());
    void outputs.abort();
    if (out.live) out.stdout(SHOW_CURSOR);
    return code;
  };
  const failWith = (f: Fatal) => {
    out.stderr(f.lines.map((l) => prefix + l + "\n").join(""));
    if (f.stdout) out.stdout(f.stdout);
    // Before the start (e.g. a listen address in use) nothing was counted.
    outputs.stop({
      ...f.record,
      counters: countFrom ? sinceBaseline(sharedCounters(), countFrom.baseline) : newCounters(),
      durationSeconds: countFrom ? (performance.now() - countFrom.since) / 1000 : 0,
    });
    return finish(f.exitCode);
  };

  await until(() => all("ready"), null);
  if (fatal) return failWith(fatal);
  if (interrupt) return finish(interrupt === "SIGINT" ? EXIT.usage : 143);

  if (out.live) out.stdout(HIDE_CURSOR);
  const rampStart = performance.now();
  countFrom = { baseline: newCounters(), since: rampStart };
  outputs.start(sharedCounters);
  send({ type: "start" });
  if (plan.connections > 0) {
    const deadline = plan.durationMs === null ? null : rampStart + plan.durationMs;
    await until(() => all("ramped"), deadline, () => {
      if (out.live) {
        out.stderr(`${rampRibbon(sharedCounters(), plan.connections, out.columns)}${CLEAR_EOL}\r`);
      }
    });
    if (fatal) return failWith(fatal);
    if (!all("ramped")) {
      const n = plan.connections;
      const seconds = g((plan.durationMs ?? 0) / 1000);
      const line = `Could not create ${n} connection${
        n === 1 ? "" : "s"
      } in allotted time (${seconds}s)`;
      out.stderr(`${prefix}${line}\n`);
      // Unlike tcpkali, still report what the attempt moved (from the start).
      await stopAndReport(countFrom, { reason: [line], searchFailed: false });
      return finish(EXIT.failure);
    }
    out.stderr(`${prefix}Ramped up to ${plan.connections} connections.\n`);
  }

  // As tcpkali, the steady phase counts bytes from the last published
  // snapshot, so traffic of a short ramp-up (e.g. a WebSocket handshake) is
  // included, and its clock from now: `-c 1 -r 10 -T 2` reports 20 messages.
  const baseline = sampled;
  const steadyStart = performance.now();
  countFrom = { baseline, since: steadyStart };
  outputs.steady();
  const steadyEnd = plan.durationMs === null ? null : steadyStart + plan.durationMs;
  if (!fatal && !interrupt) {
    const rates = new TrafficRates(baseline, steadyStart);
    await until(() => latency.outcome !== null, steadyEnd, () => {
      const change = latency.searchTick(performance.now());
      if (change) {
        send({ type: "rate", perSecond: change.rate, epoch: change.epoch });
        out.stderr(`${prefix}${change.line}${prefix}\n`);
      }
      if (!out.live) return;
      const now = performance.now();
      const current = sharedCounters();
      rates.update(current, now);
      out.stderr(
        trafficLine({
          counters: current,
          mbpsIn: rates.mbpsIn(now),
          mbpsOut: rates.mbpsOut(now),
          progress: steadyEnd === null ? null : (now - steadyStart) / (steadyEnd - steadyStart),
          utf8: out.utf8,
          latency: latency.active ? latency.liveGroups(current, now) : "",
        }) + `${CLEAR_EOL}\r`,
      );
    });
  }
  if (fatal) return failWith(fatal);
  const timedOut = !interrupt && latency.outcome === null;
  // The `-r @` verdict is settled before the stop, so --json records it too.
  const verdict = interrupt ? null : latency.searchVerdict(timedOut);
  await stopAndReport(countFrom, {
    reason: verdict ? [verdict.stdout ?? verdict.stderr ?? ""] : [],
    searchFailed: verdict !== null && verdict.exitCode !== 0,
  });
  if (fatal) return failWith(fatal);
  if (verdict) {
    if (verdict.stdout) out.stdout(verdict.stdout + "\n");
    if (verdict.stderr) out.stderr(prefix + verdict.stderr + "\n");
    return finish(verdict.exitCode);
  }
  return finish(interrupt === "SIGINT" ? EXIT.usage : interrupt === "SIGTERM" ? 143 : EXIT.ok);

  /** Freezes the workers, closes their sockets and prints the final report. */
  async function stopAndReport(
    { baseline, since }: CountFrom,
    { reason, searchFailed }: { reason: string[]; searchFailed: boolean },
  ): Promise<void> {
    // Every worker's counters at one instant: a worker that handles "stop"
    // later must not count bytes its peer worker no longer does.
    const stoppedAt = performance.now();
    const final = sharedCounters();
    send({ type: "stop" });
    await until(() => all("final"), performance.now() + STOP_GRACE_MS);
    send({ type: "close" });
    await until(() => all("closed"), performance.now() + STOP_GRACE_MS);
    const counters = sinceBaseline(final, baseline);
    const durationSeconds = (stoppedAt - since) / 1000;
    const report = finalReport({
      counters,
      durationSeconds,
      messageRate: plan.latency.messageMarker,
      latencyLines: latency.reportLines(),
    });
    if (out.live) out.stderr(CLEAR_EOL);
    out.stdout(report.join("\n") + "\n");
    await outputs.finish({
      status: interrupt
        ? "interrupted"
        : plan.connections > 0 && !all("ramped")
        ? "ramp-up-failed"
        : searchFailed
        ? "rate-search-failed"
        : "completed",
      reason: interrupt ? [...reason, interruptLine] : reason,
      counters,
      durationSeconds,
      reportLines: report,
      messageRate: plan.latency.messageMarker,
    });
  }
}
