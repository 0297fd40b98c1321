/**
 * npm:hdr-histogram-js, loaded on demand. Loading it costs about 20 MB of
 * resident memory per isolate (the npm module loader, the library and its
 * WebAssembly and deflate parts), so runs that measure no latency never
 * load it: call {@linkcode loadHistogramLibrary} before making the first
 * latency histogram.
 *
 * @module
 */
import type * as Hdr from "hdr-histogram-js";

let library: typeof Hdr | null = null;

/** Loads the library into this isolate (once; later calls resolve at once). */
export async function loadHistogramLibrary(): Promise<void> {
  library ??= await import("hdr-histogram-js");
}

/** The loaded library; throws when {@linkcode loadHistogramLibrary} has not completed. */
export function histogramLibrary(): typeof Hdr {
  if (library === null) {
    throw new Error("hdr-histogram-js is not loaded: await loadHistogramLibrary() first");
  }
  return library;
}

/** Which latencies a run measures (the fields of the plan's latency part that say so). */
export interface MeasuredLatencies {
  connect: boolean;
  firstByte: boolean;
  marker: unknown;
  messageMarker: boolean;
  corrected: boolean;
}

/** Whether a run measures any latency, and so needs the library. */
export function measuresLatency(latency: MeasuredLatencies): boolean {
  return latency.connect || latency.firstByte || latency.marker !== null ||
    latency.messageMarker || latency.corrected;
}
