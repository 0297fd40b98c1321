/**
 * Reading one option into {@link RawOptions}, with tcpkali's checks and
 * messages. The option table names these readers; getopt hands the options
 * over left to right, so the first bad one wins and `-e` affects only the
 * content options after it.
 *
 * @module
 */
import { exactBytes } from "./raw_args.ts";
import { quoteBytes } from "../content/printable.ts";
import type { ContentArg } from "../content/types.ts";
import { unescape } from "../content/unescape.ts";
import { compileLiteral } from "../content/template.ts";
import { readPermittedFile, UsageError } from "../errors.ts";
import { fixedRateOption, rateSearchOption } from "./latency_options.ts";
import { defaultRawOptions, type RawOptions } from "./raw_options.ts";
import { cpuCount } from "./system_limits.ts";
import { atoi, parseUnitValue, type UnitKind } from "./units.ts";

/** What reading the options so far has produced. */
export interface ParseState {
  /** What the options so far have set. */
  readonly options: RawOptions;
  /** An `-e` came before: content options after it are unescaped. */
  unescape: boolean;
  /** Bytes the `-H` lines so far add to the upgrade request, CRLFs included. */
  headerBlock: number;
  /** `-h`, `--help` or `--version` seen: what to print instead of running (the first wins). */
  exit: "short-help" | "long-help" | "version" | null;
}

/** The state before the first option: tcpkali's defaults. */
export function initialParseState(): ParseState {
  return { options: defaultRawOptions(), unescape: false, headerBlock: 0, exit: null };
}

/** Parses a unit value, or throws with tcpkali's two-line complaint. */
function unitValue(text: string, kind: UnitKind, complaint: string, optWord: string): number {
  const parsed = parseUnitValue(text, kind);
  if (parsed.ok) return parsed.value;
  if (parsed.reason === "unknown-suffix") {
    throw new UsageError([`Unknown prefix "${parsed.suffix}" in ${text}`, complaint]);
  }
  if (parsed.reason === "infinite") {
    throw new UsageError([`Option ${optWord} parses to infinite value`, complaint]);
  }
  throw new UsageError(complaint);
}

/** How small a unit value may be. */
type Floor = "positive" | "non-negative";

function atLeast(value: number, floor: Floor): boolean {
  return floor === "positive" ? value > 0 : value >= 0;
}

/** A unit value, else tcpkali's `Expected positive --option=TEXT` (or non-negative). */
function expected(text: string, kind: UnitKind, floor: Floor, option: string): number {
  const complaint = `Expected ${floor} ${option}=${text}`;
  const value = unitValue(text, kind, complaint, option);
  if (!atLeast(value, floor)) throw new UsageError(complaint);
  return value;
}

/**
 * A unit value, else tcpkali's `Expecting --option > 0` (whatever the
 * floor); `word` is how an infinite value names the option.
 */
function expecting(
  text: string,
  kind: UnitKind,
  floor: Floor,
  option: string,
  word = option,
): number {
  const complaint = `Expecting ${option} > 0`;
  const value = unitValue(text, kind, complaint, word);
  if (!atLeast(value, floor)) throw new UsageError(complaint);
  return value;
}

/** `-c N`: whole connections, zero allowed. */
export function connectionCount(text: string): number {
  return Math.trunc(expecting(text, "count", "non-negative", "--connections", "-c"));
}

/** `--connect-rate RATE`: new connections per second. */
export function connectRate(text: string): number {
  return expected(text, "count", "positive", "--connect-rate");
}

/** `--connect-timeout TIME`, in seconds. */
export function connectTimeout(text: string): number {
  return expected(text, "time", "positive", "--connect-timeout");
}

/** `--channel-lifetime TIME`, in seconds; zero allowed. */
export function channelLifetime(text: string): number {
  return expected(text, "time", "non-negative", "--channel-lifetime");
}

/** `--delay-send TIME`, in seconds; zero allowed. */
export function delaySend(text: string): number {
  return expected(text, "time", "non-negative", "--delay-send");
}

/** `--statsd-latency-window TIME`, in seconds. */
export function statsdLatencyWindow(text: string): number {
  return expected(text, "time", "positive", "--statsd-latency-window");
}

/** `--channel-bandwidth-upstream BANDWIDTH`, in bytes per second. */
export function upstreamBandwidth(text: string): number {
  return expecting(text, "bandwidth", "positive", "--channel-bandwidth-upstream");
}

/** `--channel-bandwidth-downstream BANDWIDTH`, in bytes per second; 0 never reads. */
export function downstreamBandwidth(text: string): number {
  return expecting(text, "bandwidth", "non-negative", "--channel-bandwidth-downstream");
}

/** `--verbose LEVEL`: 0 to 3. */
export function verboseLevel(text: string): number {
  const level = atoi(text);
  if (level < 0 || level > 3) throw new UsageError("Expecting --verbose=[0..3]");
  return level;
}

/** `--rcvbuf`/`--sndbuf SIZE`: whole bytes above zero. */
export function bufferSize(text: string, option: string): number {
  const complaint = `Expecting ${option} > 0`;
  const size = Math.trunc(unitValue(text, "size", complaint, option));
  if (!(size > 0)) throw new UsageError(complaint);
  return size;
}

/** `--nagle on|off`. */
export function nagleSetting(text: string): boolean {
  if (text !== "on" && text !== "off") throw new UsageError('Expecting --nagle "on" or "off"');
  return text === "on";
}

/** `--write-combine on|off`: `on` is the default, which tcpkali notes. */
export function readWriteCombine(o: RawOptions, text: string): void {
  if (text === "on") {
    o.notices.push("NOTE: --write-combine on is a default setting");
    o.writeCombine = true;
  } else if (text === "off") {
    o.writeCombine = false;
  } else {
    throw new UsageError("Expecting --write-combine off");
  }
}

/** `-w N`: 1 up to the CPU count. */
export function workerCount(text: string): number {
  const n = atoi(text);
  if (!/^\s*\+?\d/.test(text) || n < 0) {
    throw new UsageError("Expected --workers <N> (-w <N>), or --websocket (--ws)");
  }
  if (n === 0) throw new UsageError("Expected --workers > 1");
  const cpus = cpuCount();
  if (n > cpus) {
    throw new UsageError(
      `Value --workers=${n} is unreasonably large, only ${cpus} CPU${
        cpus === 1 ? "" : "s"
      } detected`,
    );
  }
  return n;
}

/**
 * `-H VALUE`, with tcpkali's checks: an empty value is ignored with a
 * warning, a first byte that is not a letter is warned about, a newline or
 * a header block reaching 1024 bytes is fatal.
 */
export function readHeader(s: ParseState, text: string): void {
  const raw = exactBytes(text, "--header");
  const bytes = s.unescape ? unescape(raw) : raw;
  const shown = quoteBytes(bytes);
  if (bytes.length === 0) {
    s.options.notices.push(`WARNING: --header=${shown} value is empty, ignored`);
    return;
  }
  const first = bytes[0];
  if (!((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a))) {
    s.options.notices.push(
      `WARNING: --header=${shown} starts with '${String.fromCharCode(first)}', are you sure?`,
    );
  }
  if (bytes.includes(0x0a)) throw new UsageError(`--header=${shown} should not contain '\\n'`);
  if (s.headerBlock + bytes.length + 2 >= 1024) {
    throw new UsageError("--header adds too many HTTP headers");
  }
  s.options.headers.push(bytes);
  s.headerBlock += bytes.length + 2;
}

/** A port as C's atoi reads it; tcpkali refuses 0 and 65535 alike. */
export function portNumber(text: string, option: string): number {
  const port = atoi(text);
  if (port < 1 || port > 65534) throw new UsageError(`${option}=${port} is not in [1..65535]`);
  return port;
}

/** `-l [host:]port`. */
export function listenPort(text: string): { host: string | null; port: number } {
  const colon = text.indexOf(":");
  const port = portNumber(colon < 0 ? text : text.slice(colon + 1), "--listen-port");
  return { host: colon < 0 ? null : text.slice(0, colon), port };
}

/** `--listen-mode silent|active`. */
export function listenMode(text: string): "silent" | "active" | "echo" {
  // tcpkali 1.2.0 rejects its own documented default "silent"; kali accepts it (and echo).
  if (text !== "silent" && text !== "active" && text !== "echo") {
    throw new UsageError(`--listen-mode=${text} is not one of {silent|active|echo}`);
  }
  return text;
}

/** `-T TIME` in seconds; `-1` means forever (null). */
export function duration(text: string): number | null {
  const complaint = `Expected positive --duration=${text}`;
  const seconds = unitValue(text, "time", complaint, "-T");
  if (seconds === -1) return null;
  if (seconds > 0) return seconds;
  throw new UsageError(complaint);
}

/** `-1`, `-m` (text) and `--first-message-file`, `-f` (a file's bytes), in order. */
export function readContent(
  s: ParseState,
  kind: ContentArg["kind"],
  source: { file: boolean; option: string },
  text: string,
): void {
  const bytes = source.file ? readPermittedFile(text) : exactBytes(text, source.option);
  if (source.file && bytes.length === 0) {
    s.options.notices.push(`${text}: Warning: file has no content`);
  }
  s.options.content.push({
    kind,
    bytes,
    unescape: s.unescape,
    origin: source.file ? text : source.option,
  });
}

/**
 * `-r RATE` sets a fixed message rate; `-r @LATENCY` starts a search for the
 * highest rate meeting that latency. Either one replaces the other, with
 * tcpkali's warnings, and both share one upstream setting with
 * `--channel-bandwidth-upstream`: the later wins.
 */
export function readMessageRate(s: ParseState, text: string): void {
  const o = s.options;
  if (text.startsWith("@")) {
    rateSearchOption(o.latency, text, o.upstream !== null, o.notices);
    o.upstream = { kind: "messages", perSecond: 100 }; // the search starts at 100 msg/s
    o.duration = null; // a -T after -r @ sets the limit again
    return;
  }
  const perSecond = expecting(text, "count", "positive", "--message-rate", "-r");
  o.upstream = { kind: "messages", perSecond };
  fixedRateOption(o.latency, text, o.notices);
}

/** `--message-stop STRING`: a non-empty literal (`-e` applies). */
export function messageStop(s: ParseState, text: string): Uint8Array {
  if (text === "") throw new UsageError("--message-stop: Non-empty message expected");
  const bytes = exactBytes(text, "--message-stop");
  return compileLiteral(bytes, { unescape: s.unescape, origin: "--message-stop" });
}

/** Which directions a dump option adds, for one connection or for all. */
export function addDump(
  o: RawOptions,
  which: "one" | "all",
  directions: { in: boolean; out: boolean },
): void {
  if (which === "all") {
    o.dump.allIn ||= directions.in;
    o.dump.allOut ||= directions.out;
  } else {
    o.dump.oneIn ||= directions.in;
    o.dump.oneOut ||= directions.out;
  }
}
