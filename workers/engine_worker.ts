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
        engine.bind();
        post({ type: "ready" });
        break;
      case "start":
        engine!.start(() => post({ type: "ramped" }));
        snapshotTimer = setInterval(
          () => post({ type: "snapshot", counters: engine!.counters.slice() }),
          SNAPSHOT_MS,
        );
        break;
      case "stop":
        clearInterval(snapshotTimer);
        post({ type: "final", counters: engine ? engine.halt() : new Float64Array(0) });
        break;
      case "close":
        engine?.close();
        post({ type: "closed" });
        break;
    }
  } catch (error) {
    fail(error);
  }
};
