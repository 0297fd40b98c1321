/**
 * How a plan is shared among worker threads.
 *
 * @module
 */
import { alarmBuffer } from "../engine/alarm_clock.ts";
import type { WorkerSlice } from "../engine/worker_protocol.ts";
import type { RunPlan } from "../plan.ts";
import { COUNTER_COUNT } from "../stats/counters.ts";

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
  // Paced writes keep tcpkali's 1 ms cadence with the precise alarm.
  const paced = plan.messageRate !== null || plan.upstreamBandwidth !== null;
  const alarm = paced ? alarmBuffer(w) : null;
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
      alarm: alarm && { buffer: alarm, slot: index },
    });
  }
  return slices;
}
