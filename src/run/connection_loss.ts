/**
 * Whether a run kept the connections it was to keep. A run that went to its
 * end still fails when sockets could not be created for want of
 * descriptors (tcpkali stopped at once there), or when WebSocket upgrades
 * failed and connections were missing at the end.
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { ConnectionLoss } from "../stats/result.ts";

/** The counts a verdict is drawn from. */
export interface LossCounts {
  /** Cumulative counters since the start of the run. */
  total: Float64Array;
  /** Cumulative counters since the steady phase began; gauges as at the end. */
  steady: Float64Array;
}

/** What connections the run lost, or null when it kept them. */
export function connectionLoss(
  plan: Pick<RunPlan, "connections" | "websocket">,
  { total, steady }: LossCounts,
): ConnectionLoss | null {
  const socketErrors = total[C.socketErrors];
  const upgrades = steady[C.upgradeFailures];
  const lostUpgrades = plan.websocket !== null && upgrades > 0 &&
    steady[C.openOut] < plan.connections;
  if (socketErrors === 0 && !lostUpgrades) return null;
  return {
    connections: plan.connections,
    socketErrors,
    upgradeFailures: lostUpgrades ? upgrades : 0,
  };
}
