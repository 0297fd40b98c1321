/**
 * Starts the engines. The first engine of a run runs in the main isolate,
 * beside the coordinator (whose thread is idle most of a run), and every
 * further engine in a Web Worker of its own: an isolate costs some 15 MB of
 * resident memory and its startup time, so a run of one engine (a client
 * with few connections, a lone listener) starts none. When Deno may not
 * read kali's own modules (a checkout run with only --allow-net), every
 * engine runs in the main isolate, so that a run scoped to its targets
 * still works.
 *
 * @module
 */
import { engineService } from "../engine/engine_service.ts";
import type { FromWorker, ToWorker } from "../engine/worker_protocol.ts";

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
 * Starts the engine of the `n`th slice of a run: in the main isolate for
 * the first one (or all, when not `threaded`), else in a Web Worker.
 */
export function startEngine(n: number, threaded: boolean): EngineHandle {
  return threaded && n > 0 ? startWorker() : startInline();
}

/** Starts one engine as a Web Worker. */
export function startWorker(): EngineHandle {
  return new Worker(WORKER_URL, { type: "module" }) as unknown as EngineHandle;
}

/** Starts one engine in this isolate, talking through a MessageChannel. */
export function startInline(): EngineHandle {
  const channel = new MessageChannel();
  const engineSide = channel.port2;
  const service = engineService((message) => engineSide.postMessage(message));
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
