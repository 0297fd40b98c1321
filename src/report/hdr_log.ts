/**
 * `--hdr-log FILE` (kali extension): HdrHistogram's interval log (`.hlog`),
 * as jHiccup and HdrHistogram's HistogramLogWriter write it: a version,
 * start and base time header, the legend, then one line per interval and
 * latency kind, `Tag=<kind>,<start>,<length>,<max ms>,<V2 compressed
 * histogram, µs, base64>`. One interval per point of the run's series (a
 * second each, the last one what was left); a run writes each interval as
 * its point is recorded, so a crash leaves every finished one readable.
 * Tags: `connect`, `first-byte`, `message` (`--latency-marker`) or
 * `message-marker` (`--message-marker`), `corrected`.
 *
 * @module
 */
import { LatencyHistogram } from "../stats/histogram.ts";
import { MEASURED_KINDS, type MeasuredKind } from "../stats/latency_kinds.ts";
import type { RunResult } from "../stats/result.ts";
import type { SeriesPoint } from "../stats/series.ts";

/** What the log's lines depend on besides the points. */
export interface HdrLogShape {
  /** The kinds measured: each interval has one line per kind, in this order. */
  kinds: MeasuredKind[];
  /** Marker mode: the message kind's tag is `message-marker`. */
  messageMarker: boolean;
}

/** The tag of a kind's lines. */
export function hdrLogTag(kind: MeasuredKind, messageMarker: boolean): string {
  if (kind === "firstbyte") return "first-byte";
  if (kind === "message" && messageMarker) return "message-marker";
  return kind;
}

/** `%.3f` of seconds, as HdrHistogram's writers print timestamps. */
function seconds(value: number): string {
  return value.toFixed(3);
}

/** The header: format version, start and base time (the run's start), legend. */
export function hdrLogHeader(startMs: number): string {
  const start = seconds(startMs / 1000);
  return [
    "#[Logged with kali]",
    "#[Histogram log format version 1.3]",
    `#[StartTime: ${start} (seconds since epoch), ${new Date(startMs).toISOString()}]`,
    `#[BaseTime: ${start} (seconds since epoch)]`,
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
    "",
  ].join("\n");
}

let emptyHistogram: string | null = null;

/** The lines of one point: its interval, timed from the run's start. */
export function hdrLogLines(point: SeriesPoint, shape: HdrLogShape): string {
  let lines = "";
  const from = Math.max(0, point.t - point.seconds);
  for (const kind of shape.kinds) {
    const interval = point.latency?.[kind];
    const encoded = interval?.histogram ?? (emptyHistogram ??= new LatencyHistogram().toBase64());
    const maxMs = (interval?.maxMicros ?? 0) / 1000;
    lines += `Tag=${hdrLogTag(kind, shape.messageMarker)},${seconds(from)},${
      seconds(point.seconds)
    },${seconds(maxMs)},${encoded}\n`;
  }
  return lines;
}

/** The shape of a result's log. */
export function hdrLogShape(result: RunResult): HdrLogShape {
  return {
    kinds: MEASURED_KINDS.filter((kind) => result.histograms[kind]),
    messageMarker: result.setup.messageMarker,
  };
}

/** A whole result's log (a merge's, or a result file's). */
export function hdrLog(result: RunResult): string {
  const shape = hdrLogShape(result);
  const start = result.startedAt?.getTime() ?? 0;
  return hdrLogHeader(start) + result.series.map((point) => hdrLogLines(point, shape)).join("");
}

/** A log written as the run goes: the header at the start, each point's lines as it comes. */
export class HdrLogFile {
  readonly #file: Deno.FsFile;
  readonly #shape: HdrLogShape;
  readonly #encoder = new TextEncoder();

  constructor(path: string, shape: HdrLogShape) {
    this.#file = Deno.openSync(path, { write: true, create: true, truncate: true });
    this.#shape = shape;
  }

  /** The header, once the start time is known. */
  start(startMs: number): void {
    this.#write(hdrLogHeader(startMs));
  }

  /** One point's lines. */
  point(point: SeriesPoint): void {
    this.#write(hdrLogLines(point, this.#shape));
  }

  close(): void {
    this.#file.close();
  }

  #write(text: string): void {
    let bytes = this.#encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(this.#file.writeSync(bytes));
  }
}
