/**
 * Web Worker entry: runs one Engine on its slice of the plan and reports
 * counter snapshots. No exception leaves this file unreported.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { UsageError } from "../src/cli/usage_error.ts";
import { permissionHint } from "../src/cli/permissions.ts";
import { Engine } from "../src/engine/engine.ts";
import type { FromWorker, ToWorker } from "../src/engine/worker_protocol.ts";

/** How often counters are published to the main thread. */
const SNAPSHOT_MS = 50;

let engine: Engine | null = null;
let snapshotTimer: ReturnType<typeof setInterval> | undefined;

function post(message: FromWorker): void {
  self.postMessage(message);
}

function fail(error: unknown): void {
  if (error instanceof UsageError) {
    post({ type: "fatal", lines: error.lines, exitCode: error.exitCode });
    return;
  }
  const hint = permissionHint(error);
  if (hint) {
    post({ type: "fatal", lines: [hint], exitCode: 1 });
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  post({ type: "fatal", lines: [`worker failed: ${message}`], exitCode: 70 });
}

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  fail(event.reason);
});

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case "init":
        engine = new Engine(message.slice);
        engine.outputTaps.onMessageStop = ({ chunk, matchEnd }) =>
          post({ type: "messageStop", chunk, matchEnd });
        engine.bind();
        post({ type: "ready" });
        break;
      case "start":
        engine!.start(() => post({ type: "ramped" }));
        snapshotTimer = setInterval(postSnapshot, SNAPSHOT_MS);
        break;
      case "stop":
        clearInterval(snapshotTimer);
        post({
          type: "final",
          counters: engine ? engine.halt() : new Float64Array(0),
          latency: engine?.latency.takeDeltas(),
        });
        break;
      case "close":
        // Async: WebSocket connections run their close handshake first.
        Promise.resolve(engine?.close()).then(() => post({ type: "closed" }), fail);
        break;
      case "rate":
        postSnapshot(); // samples at the old rate go out under the old epoch
        engine?.setMessageRate(message.perSecond, message.epoch);
        break;
    }
  } catch (error) {
    fail(error);
  }
};

function postSnapshot(): void {
  if (!engine) return;
  post({
    type: "snapshot",
    counters: engine.counters.slice(),
    latency: engine.latency.takeDeltas(),
  });
}
