/**
 * The parts of a worker's engine that a run may not need, loaded only when
 * it does. TLS (`--ssl`) and bound source addresses go through Node
 * compatibility modules (node:tls, node:net, node:buffer), latency
 * histograms through npm:hdr-histogram-js: each costs megabytes of resident
 * memory per isolate once evaluated; the WebSocket session is code a TCP
 * run does not run. A plain TCP engine loads none of them.
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import { loadHistogramLibrary, measuresLatency } from "../stats/hdr_library.ts";

/** The optional modules of one engine; null where the run does not need one. */
export interface EngineModules {
  /** `--ssl`: TLS connect, listen and close. */
  tls: typeof import("../transport/tls.ts") | null;
  /** Source addresses: connects bound through node:net. */
  bound: typeof import("../transport/bound_socket.ts") | null;
  /** `--ws`: the per-connection WebSocket session. */
  websocket: typeof import("./websocket_session.ts") | null;
}

/** Loads what `plan` needs (latency histograms included, when measured). */
export async function loadEngineModules(plan: RunPlan): Promise<EngineModules> {
  const [tls, bound, websocket] = await Promise.all([
    plan.tls !== null ? import("../transport/tls.ts") : null,
    plan.outputs.sourceAddresses.length > 0 ? import("../transport/bound_socket.ts") : null,
    plan.websocket !== null ? import("./websocket_session.ts") : null,
    measuresLatency(plan.latency) ? loadHistogramLibrary() : null,
  ]);
  return { tls, bound, websocket };
}
