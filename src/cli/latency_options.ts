/**
 * The latency options (`--latency-connect`, `--latency-first-byte`,
 * `--latency-marker`, `--latency-marker-skip`, `--latency-percentiles`,
 * `--message-marker`, `-r @<Latency>`): per-option validation with
 * tcpkali's messages, and the cross-option checks that turn them into the
 * plan's {@link LatencyPlan}.
 *
 * @module
 */
import { exactBytes } from "./raw_args.ts";
import {
  compileConnectionLiteral,
  type CompiledContent,
  type ConnectionLiteral,
  hasMessages,
  usesMessageMarker,
} from "../content/template.ts";
import { unescape } from "../content/unescape.ts";
import { type LatencyPlan, type Percentile } from "../plan.ts";
import { g } from "../shared/format.ts";
import { DEFAULT_PERCENTILES, parsePercentiles } from "./percentiles.ts";
import { type ParsedValue, parseUnitValue, splitNumber } from "./units.ts";
import { UsageError } from "../errors.ts";
import type { PlanOutput } from "./plan_output.ts";

/** What the command line says about latency. */
export interface LatencyOptions {
  connect: boolean;
  firstByte: boolean;
  /** `--latency-marker` (unescaped under `-e`; may name its connection); null: not given. */
  marker: ConnectionLiteral | null;
  markerSkip: number;
  /** `--message-marker` given. */
  messageMarker: boolean;
  /** `--latency-percentiles` values; null: the default list. */
  percentiles: Percentile[] | null;
  /** `-r @<Latency>`: target in seconds and the text after `@`. */
  rateSearch: { seconds: number; label: string } | null;
}

/** No latency options. */
export function defaultLatencyOptions(): LatencyOptions {
  return {
    connect: false,
    firstByte: false,
    marker: null,
    markerSkip: 0,
    messageMarker: false,
    percentiles: null,
    rateSearch: null,
  };
}

/** `--latency-marker M` (`unescaped`: an `-e` came before it). */
export function latencyMarkerOption(o: LatencyOptions, text: string, unescaped: boolean): void {
  if (o.messageMarker) {
    throw new UsageError(
      "--latency-marker: --message-marker is already specified, use one or the other",
    );
  }
  const raw = exactBytes(text, "--latency-marker");
  const bytes = unescaped ? unescape(raw) : raw;
  if (bytes.length === 0) throw new UsageError("--latency-marker: Non-empty marker expected");
  const marker = compileConnectionLiteral(bytes, { unescape: false, origin: "--latency-marker" });
  if (marker.ops.length === 0) throw new UsageError("--latency-marker: Non-empty marker expected");
  o.marker = marker;
}

/** `--message-marker`. */
export function messageMarkerOption(o: LatencyOptions): void {
  if (!o.messageMarker && o.marker !== null) {
    throw new UsageError(
      "--message-marker: --latency-marker is already specified, use one or the other",
    );
  }
  o.messageMarker = true;
}

/** `--latency-marker-skip N` (k/m suffixes). */
export function markerSkipOption(o: LatencyOptions, text: string): void {
  const parsed = parseUnitValue(text, "count");
  if (!parsed.ok || !(parsed.value >= 0)) {
    throw new UsageError([
      ...unknownPrefix(parsed, text),
      "--latency-marker-skip: Failed to parse or out of range expression",
    ]);
  }
  o.markerSkip = Math.floor(parsed.value);
}

/** tcpkali's `Unknown prefix "x" in 5x` line for a value with a bad unit. */
function unknownPrefix(parsed: ParsedValue, text: string): string[] {
  return parsed.ok === false && parsed.reason === "unknown-suffix"
    ? [`Unknown prefix "${parsed.suffix}" in ${text}`]
    : [];
}

/** `--latency-percentiles LIST` (values append). */
export function percentilesOption(o: LatencyOptions, text: string): void {
  o.percentiles = parsePercentiles(text, o.percentiles ?? []);
}

/**
 * `-r @<Latency>`. `fixedBefore`: a fixed message rate or upstream
 * bandwidth was set earlier. Pushes tcpkali's override warning to `notices`.
 */
export function rateSearchOption(
  o: LatencyOptions,
  text: string,
  fixedBefore: boolean,
  notices: string[],
): void {
  const label = text.slice(1);
  const parsed = parseUnitValue(label, "time");
  if (!parsed.ok || !(parsed.value > 0)) {
    throw new UsageError([...unknownPrefix(parsed, label), "Expecting --message-rate @<Latency>"]);
  }
  if (fixedBefore && o.rateSearch === null) {
    notices.push(
      `WARNING: --message-rate ${text} overrides previous fixed --message-rate specification.`,
    );
  }
  o.rateSearch = { seconds: parsed.value, label };
}

/** A fixed `-r N` after `-r @…` cancels the search, with tcpkali's warning. */
export function fixedRateOption(o: LatencyOptions, text: string, notices: string[]): void {
  if (o.rateSearch === null) return;
  notices.push(
    `WARNING: --message-rate ${text} overrides previous dynamic --message-rate specification.`,
  );
  o.rateSearch = null;
}

/**
 * tcpkali's warning for `-r @2` (a bare number over one second), printed
 * before the system-limit checks.
 */
export function rateSearchWarnings(o: LatencyOptions, out: PlanOutput): void {
  const search = o.rateSearch;
  if (search === null || !(search.seconds > 1)) return;
  const split = splitNumber(search.label);
  if (split === null || split.rest !== "") return;
  out.say(
    `WARNING: --message-rate @${search.label}: target latency is greater than one second, which is probably not what you want`,
  );
  out.say(`WARNING: Suggesting using --message-rate @${g(search.seconds)}ms`);
}

/** What the cross checks look at besides the latency options. */
export interface LatencyContext {
  content: CompiledContent;
  /** Minimum size of one repeated message (0: nothing would be sent). */
  minMessageSize: number;
  hasTarget: boolean;
  /** Messages per second per connection; null: not paced by messages. */
  messageRate: number | null;
}

/**
 * tcpkali's cross-option checks that concern latency, in its order (after
 * the addresses are printed), and the resulting plan.
 */
export function latencyPlan(o: LatencyOptions, context: LatencyContext): LatencyPlan {
  const messageMarker = o.messageMarker || usesMessageMarker(context.content);
  const marker = messageMarker ? null : o.marker;
  if (marker !== null) {
    if (!hasMessages(context.content) || context.minMessageSize === 0) {
      throw new UsageError(
        "--latency-marker is given, but no messages are supposed to be sent. Specify --message?",
      );
    }
    if (!context.hasTarget) {
      throw new UsageError(
        "--latency-marker is given, but no connections are supposed to be initiated. Specify <host:port>?",
      );
    }
  }
  if (o.rateSearch !== null && marker === null && !messageMarker) {
    throw new UsageError(
      "--message-rate @<Latency> requires specifying --latency-marker or --message-marker as well.",
    );
  }
  const any = o.connect || o.firstByte || marker !== null || messageMarker;
  return {
    connect: o.connect,
    firstByte: o.firstByte,
    marker,
    markerSkip: o.markerSkip,
    messageMarker,
    percentiles: any ? (o.percentiles ?? [...DEFAULT_PERCENTILES]) : (o.percentiles ?? []),
    rateSearch: o.rateSearch === null
      ? null
      : { targetMs: o.rateSearch.seconds * 1000, label: o.rateSearch.label },
    corrected: marker !== null && context.messageRate !== null && o.rateSearch === null,
  };
}
