/**
 * How a plan is shared among worker threads.
 *
 * @module
 */
import { alarmBuffer } from "../engine/alarm_clock.ts";
import type { WorkerSlice } from "../engine/worker_protocol.ts";
import type { RunPlan } from "../plan.ts";
import { COUNTER_COUNT } from "../stats/counters.ts";
import { measuresLatency } from "../stats/hdr_library.ts";
import { MSS } from "../shared/tcp.ts";

/**
 * The most paced writes per second, all connections together, that
 * setTimeout drives without the precise alarm: each connection's writes are
 * then 20 ms or more apart, so timers landing 1–2 ms late never make one
 * carry two messages, and the event loop is idle enough for them to land
 * that close (thousands of connections paced by timers on a busy loop fall
 * behind and catch up in bursts).
 */
export const TIMER_PACED_MAX_WRITES = 50;

/**
 * Whether paced writes need the precise alarm's helper thread, an isolate
 * of its own (about 15 MiB resident), to keep tcpkali's 1 ms write
 * cadence. A message rate whose writes come at most
 * {@link TIMER_PACED_MAX_WRITES} times a second in all does without, unless
 * latency is measured (a late timer would add to every message's latency,
 * counted from the intended send time). A bandwidth limit alone, an active
 * listener and the rate search (its rates grow) always use it.
 */
export function needsPreciseAlarm(plan: RunPlan): boolean {
  const stageRates = (plan.stages ?? []).map((stage) => stage.messageRate ?? 0);
  const paced = plan.messageRate !== null || plan.upstreamBandwidth !== null ||
    plan.latency.rateSearch !== null || stageRates.some((rate) => rate > 0);
  if (!paced) return false;
  const rate = plan.messageRate;
  // An active listener paces writes to however many peers connect.
  const activeListener = plan.listen.length > 0 && plan.listenMode === "active";
  if (rate === null || activeListener || plan.latency.rateSearch !== null) return true;
  if (measuresLatency(plan.latency)) return true;
  // A message longer than an MSS goes out one MSS at a time, each write paced
  // (with -r, the upstream bandwidth is the rate times the average message size).
  const writesPerMessage = Math.max(1, Math.ceil((plan.upstreamBandwidth ?? 0) / rate / MSS));
  const writes = peakConnections(plan) * Math.max(rate, ...stageRates) * writesPerMessage;
  return writes > TIMER_PACED_MAX_WRITES;
}

/**
 * Splits the plan into per-worker slices; idle workers are not started.
 * The last worker owns the listeners; with two or more workers it opens no
 * outgoing connections, so accepting never waits behind connecting. With
 * `--stage`, every worker that will ever connect starts, with its share of
 * the first stage's connections.
 */
export function slicePlan(plan: RunPlan, logPrefix: string): WorkerSlice[] {
  const uidCounter = new SharedArrayBuffer(4);
  const slices: WorkerSlice[] = [];
  const w = plan.workers;
  const listener = plan.listen.length > 0 ? w - 1 : -1;
  const connectors = listener >= 0 && w > 1 ? w - 1 : w;
  const alarm = needsPreciseAlarm(plan) ? alarmBuffer(w) : null;
  const peak = peakConnections(plan);
  for (let index = 0; index < w; index++) {
    const connects = index < connectors && shareOf(peak, index, connectors) > 0;
    const listens = index === listener;
    if (!connects && !listens) continue;
    const connections = connects ? shareOf(plan.connections, index, connectors) : 0;
    // With stages the shares move; the connect rate is split as evenly as the peak is.
    const connectRate = !connects
      ? plan.connectRate
      : (plan.connectRate * shareOf(peak, index, connectors)) / peak;
    const counters = new SharedArrayBuffer(COUNTER_COUNT * Float64Array.BYTES_PER_ELEMENT);
    slices.push({
      plan,
      index,
      connections,
      connects,
      connectRate,
      listens,
      uidCounter,
      counters,
      logPrefix,
      alarm: alarm && { buffer: alarm, slot: index },
    });
  }
  return slices;
}

/** The most connections the run ever keeps: `-c`, or the highest stage target. */
export function peakConnections(plan: RunPlan): number {
  const stages = plan.stages ?? [];
  return Math.max(plan.connections, ...stages.map((stage) => stage.connections));
}

/** Worker `index`'s share of `total` connections among `connectors` workers. */
export function shareOf(total: number, index: number, connectors: number): number {
  return Math.floor(total / connectors) + (index < total % connectors ? 1 : 0);
}

/** Each slice's share of `total` outgoing connections (0 for listen-only workers). */
export function connectionShares(slices: readonly WorkerSlice[], total: number): number[] {
  const connectors = slices.filter((slice) => slice.connects).length;
  let n = 0;
  return slices.map((slice) => slice.connects ? shareOf(total, n++, connectors) : 0);
}
