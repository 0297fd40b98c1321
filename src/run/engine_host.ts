/**
 * Starts the engines, one per worker slice of the plan, and decides where
 * they run. Threads buy parallel throughput; a Web Worker's isolate costs
 * some 13 MB of resident memory, its startup and its own garbage collector.
 * So the first engine of a run runs in the main isolate, beside the
 * coordinator (whose thread is idle most of a run), and every further
 * engine in a Web Worker of its own, except in a light run, where all
 * engines share the main thread (see {@linkcode enginesInMain}). The engines
 * stay what tcpkali's worker threads are in every other respect: each has
 * its share of connections, destination cursor and `-vv` exit block. When
 * Deno may not read kali's own modules (a checkout run with only
 * --allow-net), every engine runs in the main isolate, so that a run scoped
 * to its targets still works.
 *
 * @module
 */
import { hasMessages } from "../content/template.ts";
import { engineService } from "../engine/engine_service.ts";
import type { FromWorker, ToWorker } from "../engine/worker_protocol.ts";
import type { RunPlan } from "../plan.ts";

const WORKER_URL = new URL("../../workers/engine_worker.ts", import.meta.url);
/** The local module folders a worker loads (its imports live under src/). */
const MODULE_DIRS = ["../", "../../workers/"].map((p) => new URL(p, import.meta.url));

/** What the run needs of an engine, wherever it runs. */
export interface EngineHandle {
  postMessage(message: ToWorker): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/**
 * Whether engines can run as Web Workers. Deno checks read permission when
 * it loads a worker's local modules; remote modules (jsr:) need none.
 */
export function workersAvailable(): boolean {
  if (WORKER_URL.protocol !== "file:" || Deno.build.standalone) return true;
  return MODULE_DIRS.every((dir) =>
    Deno.permissions.querySync({ name: "read", path: decodeURIComponent(dir.pathname) }).state ===
      "granted"
  );
}

/** The flag that lets engines run as workers from this checkout. */
export function workersReadFlag(): string {
  const paths = MODULE_DIRS.map((dir) => decodeURIComponent(dir.pathname).replace(/\/$/, ""));
  return `--allow-read=${paths.join(",")}`;
}

/**
 * Messages per second, over all connections, up to which a client run is
 * light enough for one thread: under half of what one engine paces on the
 * 2-core machine of docs/performance.md (about 90,000 5-byte messages a
 * second with its thread busy), leaving room for reads and timer jitter.
 */
export const LIGHT_MESSAGES_PER_SECOND = 40_000;

/**
 * How many of a run's `engines` (the first ones) run in the main isolate:
 * all of them when kali chose the number of workers (no `-w`) and the run
 * is light — no listener, and its connections write no repeated messages
 * or, paced by `-r`, at most {@linkcode LIGHT_MESSAGES_PER_SECOND} of them
 * in all; otherwise only the first.
 */
export function enginesInMain(plan: RunPlan, engines: number): number {
  if (plan.workersGiven || plan.listen.length > 0) return 1;
  if (!hasMessages(plan.content)) return engines;
  const paced = plan.messageRate !== null && plan.latency.rateSearch === null;
  return paced && plan.connections * plan.messageRate! <= LIGHT_MESSAGES_PER_SECOND ? engines : 1;
}

/**
 * Starts one engine: in the main isolate, or in a Web Worker of its own.
 * `onRamped` hears an engine in the main isolate ramp up at the very
 * instant it does (synchronously, with the instant's epoch ms).
 */
export function startEngine(inWorker: boolean, onRamped?: (at: number) => void): EngineHandle {
  return inWorker ? startWorker() : startInline(onRamped);
}

/** Starts one engine as a Web Worker. */
export function startWorker(): EngineHandle {
  return new Worker(WORKER_URL, { type: "module" }) as unknown as EngineHandle;
}

/**
 * Starts one engine in this isolate, talking through a MessageChannel;
 * `onRamped` as in {@linkcode startEngine}.
 */
export function startInline(onRamped?: (at: number) => void): EngineHandle {
  const channel = new MessageChannel();
  const engineSide = channel.port2;
  const service = engineService((message) => {
    // In this thread the ramp-up's instant can be acted on before anything else runs.
    if (message.type === "ramped") onRamped?.(message.at);
    engineSide.postMessage(message);
  });
  engineSide.onmessage = (event: MessageEvent<ToWorker>) => service(event.data);
  // What a worker's error handlers would catch ends the run with one line here too.
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    service.fail(event.reason);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    service.fail(event.error);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  const handle: EngineHandle = {
    postMessage: (message) => channel.port1.postMessage(message),
    onmessage: null,
    onerror: null,
    terminate() {
      globalThis.removeEventListener("unhandledrejection", onRejection);
      globalThis.removeEventListener("error", onError);
      channel.port1.close();
      engineSide.close();
    },
  };
  channel.port1.onmessage = (event: MessageEvent<FromWorker>) => handle.onmessage?.(event);
  return handle;
}
