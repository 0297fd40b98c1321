/**
 * The engine side of the worker protocol: turns main-thread messages into
 * Engine calls and reports back. Runs inside a Web Worker, or in the main
 * isolate when workers cannot be started (see engine_host.ts).
 *
 * @module
 */
import { permissionHint, UsageError } from "../errors.ts";
import { Engine } from "./engine.ts";
import { loadEngineModules } from "./engine_modules.ts";
import type { FromWorker, ToWorker, WorkerSlice } from "./worker_protocol.ts";

/** How often a snapshot (latency deltas; the counters are shared) is posted. */
const SNAPSHOT_MS = 50;

/** Handles one message; `fail` reports an error that escaped elsewhere. */
export interface EngineService {
  (message: ToWorker): void;
  fail(error: unknown): void;
}

/** Serves one engine, posting its reports through `post`. */
export function engineService(post: (message: FromWorker) => void): EngineService {
  let engine: Engine | null = null;
  let snapshotTimer: ReturnType<typeof setInterval> | undefined;

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

  /** Loads what the plan needs, makes the engine and binds its listeners. */
  async function init(slice: WorkerSlice): Promise<void> {
    const modules = await loadEngineModules(slice.plan);
    engine = new Engine(slice, modules);
    engine.outputTaps.onMessageStop = ({ chunk, matchEnd }) =>
      post({ type: "messageStop", chunk, matchEnd });
    engine.onNotice = (line) => post({ type: "notice", line });
    engine.bind();
    post({ type: "ready" });
  }

  function postSnapshot(): void {
    if (!engine) return;
    post({ type: "snapshot", latency: engine.latency.takeDeltas() });
  }

  const handle = (message: ToWorker) => {
    try {
      switch (message.type) {
        case "init":
          init(message.slice).catch(fail);
          break;
        case "start":
          engine!.start(() =>
            post({ type: "ramped", at: performance.timeOrigin + performance.now() })
          );
          snapshotTimer = setInterval(postSnapshot, SNAPSHOT_MS);
          break;
        case "stop":
          clearInterval(snapshotTimer);
          engine?.halt();
          post({ type: "final", latency: engine?.latency.takeDeltas() });
          break;
        case "close":
          // Async: WebSocket connections run their close handshake first.
          Promise.resolve(engine?.close()).then(() => post({ type: "closed" }), fail);
          break;
        case "rate":
          postSnapshot(); // samples at the old rate go out under the old epoch
          engine?.setMessageRate(message.perSecond, message.afresh ?? false);
          if (message.epoch !== undefined) engine?.latency.newEpoch(message.epoch);
          break;
        case "connections":
          engine?.setConnections(message.count);
          break;
      }
    } catch (error) {
      fail(error);
    }
  };
  return Object.assign(handle, { fail });
}
