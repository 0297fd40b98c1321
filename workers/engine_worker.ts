/**
 * Web Worker entry: serves one engine over the worker's message port.
 * No exception leaves this file unreported.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { engineService } from "../src/engine/engine_service.ts";
import type { ToWorker } from "../src/engine/worker_protocol.ts";

const service = engineService((message) => self.postMessage(message));

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  service.fail(event.reason);
});

self.onmessage = (event: MessageEvent<ToWorker>) => service(event.data);
