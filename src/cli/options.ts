/**
 * tcpkali-compatible command-line parsing: argv to RawOptions. Options are
 * validated as they are read, left to right, so the first bad one wins and
 * `-e` affects only the content options after it, as in tcpkali.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import { quoteBytes } from "../content/printable.ts";
import type { ContentArg } from "../content/types.ts";
import { unescape } from "../content/unescape.ts";
import { compileLiteral } from "../content/template.ts";
import { longHelp, shortHelp, versionText } from "./help.ts";
import {
  defaultLatencyOptions,
  fixedRateOption,
  latencyMarkerOption,
  type LatencyOptions,
  markerSkipOption,
  messageMarkerOption,
  percentilesOption,
  rateSearchOption,
} from "./latency_options.ts";
import { EXIT, readPermittedFile, UsageError } from "../errors.ts";
import { atoi, parseUnitValue, type UnitKind } from "./units.ts";
import { DEFAULT_CERT_FILE, DEFAULT_KEY_FILE } from "../transport/tls.ts";

/** Everything the command line says, validated per option. */
export interface RawOptions {
  verbosity: number;
  connections: number;
  connectRate: number;
  /** Seconds. */
  connectTimeout: number;
  /** Seconds; null: never. */
  channelLifetime: number | null;
  /** Seconds; null: forever. */
  duration: number | null;
  /** Seconds. */
  delaySend: number;
  nagle: boolean | null;
  writeCombine: boolean;
  workers: number | null;
  rcvbuf: number | null;
  sndbuf: number | null;
  /** The upstream limit, set by -r or --channel-bandwidth-upstream (last wins). */
  upstream: { kind: "messages" | "bytes"; perSecond: number } | null;
  downstreamBandwidth: number | null;
  listenPort: { host: string | null; port: number } | null;
  listenMode: "silent" | "active";
  content: ContentArg[];
  destinations: string[];
  /** Notes and warnings to print before the run, in command-line order. */
  notices: string[];
  /** `--ws`: WebSocket transport on both sides. */
  websocket: boolean;
  /** `-H` values (unescaped under `-e`), in order, without their CRLF. */
  headers: Uint8Array[];
  /** `--ssl`: TLS on both sides. */
  ssl: boolean;
  /** `--ssl-cert`: the listener's certificate file (PEM). */
  sslCert: string;
  /** `--ssl-key`: the listener's private key file (PEM). */
  sslKey: string;
  /** Latency options and `-r @<Latency>`. */
  latency: LatencyOptions;
  /** -d/--dump-*: which directions of one connection / of all connections (flags OR). */
  dump: DumpOptions;
  /** --message-stop, compiled (`-e` applied); null: off. */
  messageStop: Uint8Array | null;
  /** --statsd and its settings. */
  statsd: StatsdOptions;
  /** --source-ip values as typed, in order. */
  sourceIps: string[];
  /** --json FILE (kali extension); null: no JSON result. */
  jsonFile: string | null;
  /** The arguments as given (without the program name), for the JSON result. */
  argv: string[];
}

/** Traffic dump selection: each flag ORs in. */
export interface DumpOptions {
  oneIn: boolean;
  oneOut: boolean;
  allIn: boolean;
  allOut: boolean;
}

/** StatsD settings as given. */
export interface StatsdOptions {
  enabled: boolean;
  host: string;
  port: number;
  namespace: string;
  /** Seconds; null: cumulative latency in every batch. */
  latencyWindow: number | null;
}

/** What parsing argv leads to: a run, or a text to print and an exit code. */
export type ParseOutcome =
  | { kind: "run"; options: RawOptions }
  | { kind: "exit"; stdout: string; exitCode: number };

/** Every long option name, for GNU-style unique-prefix abbreviation. */
const LONG_OPTIONS = [
  "help",
  "version",
  "verbose",
  "dump-one",
  "dump-one-in",
  "dump-one-out",
  "dump-all",
  "dump-all-in",
  "dump-all-out",
  "nagle",
  "rcvbuf",
  "sndbuf",
  "source-ip",
  "write-combine",
  "workers",
  "ws",
  "websocket",
  "ssl",
  "ssl-cert",
  "ssl-key",
  "header",
  "connections",
  "connect-rate",
  "connect-timeout",
  "channel-lifetime",
  "channel-bandwidth-upstream",
  "channel-bandwidth-downstream",
  "listen-port",
  "listen-mode",
  "duration",
  "delay-send",
  "unescape-message-args",
  "first-message",
  "first-message-file",
  "message",
  "message-file",
  "message-rate",
  "message-stop",
  "latency-connect",
  "latency-first-byte",
  "latency-marker",
  "latency-marker-skip",
  "latency-percentiles",
  "message-marker",
  "statsd",
  "statsd-host",
  "statsd-port",
  "statsd-namespace",
  "statsd-latency-window",
  "server",
  "json",
];

/**
 * Expands abbreviated long options (`--dur` to `--duration`) the way
 * getopt_long does, and rejects ambiguous ones with its message.
 */
export function expandAbbreviations(argv: string[], program: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith("--") || arg.length === 2) {
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (LONG_OPTIONS.includes(name)) {
      out.push(arg);
      continue;
    }
    const candidates = LONG_OPTIONS.filter((o) => o.startsWith(name));
    if (candidates.length === 1) {
      out.push(`--${candidates[0]}${eq < 0 ? "" : arg.slice(eq)}`);
    } else if (candidates.length > 1) {
      throw new UsageError(
        [
          `${program}: option '--${name}' is ambiguous; possibilities: ${
            candidates.map((c) => `'--${c}'`).join(" ")
          }`,
          `--${name}: unknown option`,
        ],
        EXIT.usage,
        longHelp(program, cpuCount()),
      );
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** CPUs available to this process. */
export function cpuCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

function defaults(): RawOptions {
  return {
    verbosity: 0,
    connections: 1,
    connectRate: 100,
    connectTimeout: 1,
    channelLifetime: null,
    duration: 10,
    delaySend: 0,
    nagle: null,
    writeCombine: true,
    workers: null,
    rcvbuf: null,
    sndbuf: null,
    upstream: null,
    downstreamBandwidth: null,
    listenPort: null,
    listenMode: "silent",
    content: [],
    destinations: [],
    notices: [],
    websocket: false,
    headers: [],
    ssl: false,
    sslCert: DEFAULT_CERT_FILE,
    sslKey: DEFAULT_KEY_FILE,
    latency: defaultLatencyOptions(),
    dump: { oneIn: false, oneOut: false, allIn: false, allOut: false },
    messageStop: null,
    statsd: {
      enabled: false,
      host: "127.0.0.1",
      port: 8125,
      namespace: "tcpkali",
      latencyWindow: null,
    },
    sourceIps: [],
    jsonFile: null,
    argv: [],
  };
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

/**
 * tcpkali's checks of one `-H` value (behaviour reference 2.3): empty values
 * are ignored with a warning, a first byte that is not a letter is warned
 * about, a newline or a header block reaching 1024 bytes is fatal. Returns
 * the value to keep, or null.
 */
function checkHeader(bytes: Uint8Array, block: number, notices: string[]): Uint8Array | null {
  const shown = quoteBytes(bytes);
  if (bytes.length === 0) {
    notices.push(`WARNING: --header=${shown} value is empty, ignored`);
    return null;
  }
  const first = bytes[0];
  if (!((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a))) {
    notices.push(
      `WARNING: --header=${shown} starts with '${String.fromCharCode(first)}', are you sure?`,
    );
  }
  if (bytes.includes(0x0a)) throw new UsageError(`--header=${shown} should not contain '\\n'`);
  if (block + bytes.length + 2 >= 1024) throw new UsageError("--header adds too many HTTP headers");
  return bytes;
}

/** Parses argv (without the program name). */
export function parseArgs(argv: string[], program = "kali"): ParseOutcome {
  if (argv.includes("-ws")) {
    throw new UsageError("Expected -w <N> (--workers) or --ws (--websocket), but not -ws.");
  }
  const args = expandAbbreviations(argv, program);
  const o = defaults();
  let unescapeNext = false;
  let exit: ParseOutcome | null = null;
  const cmd = new Command()
    .name(program)
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .allowExcessArguments(true)
    .argument("[destinations...]");

  const flag = (flags: string, action: () => void) => {
    cmd.option(flags);
    const long = /--([\w-]+)/.exec(flags)?.[1] ?? /-(\w)/.exec(flags)![1];
    cmd.on(`option:${long}`, action);
  };
  const value = (flags: string, action: (v: string) => void) => {
    cmd.option(flags, "", (v: string) => {
      action(v);
      return v;
    });
  };

  flag("-h", () => exit ??= { kind: "exit", stdout: shortHelp(program), exitCode: EXIT.usage });
  flag(
    "--help",
    () => exit ??= { kind: "exit", stdout: longHelp(program, cpuCount()), exitCode: EXIT.usage },
  );
  flag("--version", () => exit ??= { kind: "exit", stdout: versionText() + "\n", exitCode: 0 });
  cmd.option("-v", "", (_v: string, previous: number) => Math.min(3, (previous ?? 0) + 1));
  cmd.on("option:v", () => o.verbosity = Math.min(3, o.verbosity + 1));
  value("--verbose <level>", (v) => {
    const level = atoi(v);
    if (level < 0 || level > 3) throw new UsageError("Expecting --verbose=[0..3]");
    o.verbosity = level;
  });
  const dump = (all: boolean, dirIn: boolean, dirOut: boolean) => () => {
    if (all) {
      o.dump.allIn ||= dirIn;
      o.dump.allOut ||= dirOut;
    } else {
      o.dump.oneIn ||= dirIn;
      o.dump.oneOut ||= dirOut;
    }
  };
  flag("--dump-one-in", dump(false, true, false));
  flag("--dump-one-out", dump(false, false, true));
  flag("--dump-all", dump(true, true, true));
  flag("--dump-all-in", dump(true, true, false));
  flag("--dump-all-out", dump(true, false, true));
  flag("-d, --dump-one", dump(false, true, true));
  value("--nagle <onoff>", (v) => {
    if (v !== "on" && v !== "off") throw new UsageError('Expecting --nagle "on" or "off"');
    o.nagle = v === "on";
  });
  value("--rcvbuf <size>", (v) => {
    o.rcvbuf = Math.trunc(unitValue(v, "size", "Expecting --rcvbuf > 0", "--rcvbuf"));
    if (!(o.rcvbuf > 0)) throw new UsageError("Expecting --rcvbuf > 0");
  });
  value("--sndbuf <size>", (v) => {
    o.sndbuf = Math.trunc(unitValue(v, "size", "Expecting --sndbuf > 0", "--sndbuf"));
    if (!(o.sndbuf > 0)) throw new UsageError("Expecting --sndbuf > 0");
  });
  value("--source-ip <ip>", (v) => o.sourceIps.push(v));
  value("--write-combine <onoff>", (v) => {
    if (v === "on") {
      o.notices.push("NOTE: --write-combine on is a default setting");
      o.writeCombine = true;
    } else if (v === "off") {
      o.writeCombine = false;
    } else {
      throw new UsageError("Expecting --write-combine off");
    }
  });
  value("-w, --workers <N>", (v) => {
    const n = atoi(v);
    if (!/^\s*\+?\d/.test(v) || n < 0) {
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
    o.workers = n;
  });
  flag("--ws", () => o.websocket = true);
  flag("--websocket", () => o.websocket = true);
  flag("--ssl", () => o.ssl = true);
  value("--ssl-cert <file>", (v) => o.sslCert = v);
  value("--ssl-key <file>", (v) => o.sslKey = v);
  let headerBlock = 0;
  value("-H, --header <string>", (v) => {
    const raw = new TextEncoder().encode(v);
    const bytes = unescapeNext ? unescape(raw) : raw;
    const header = checkHeader(bytes, headerBlock, o.notices);
    if (header) {
      o.headers.push(header);
      headerBlock += header.length + 2;
    }
  });
  value("-c, --connections <N>", (v) => {
    const n = unitValue(v, "count", "Expecting --connections > 0", "-c");
    if (!(n >= 0)) throw new UsageError("Expecting --connections > 0");
    o.connections = Math.trunc(n);
  });
  value("--connect-rate <Rate>", (v) => {
    const complaint = `Expected positive --connect-rate=${v}`;
    o.connectRate = unitValue(v, "count", complaint, "--connect-rate");
    if (!(o.connectRate > 0)) throw new UsageError(complaint);
  });
  value("--connect-timeout <Time>", (v) => {
    const complaint = `Expected positive --connect-timeout=${v}`;
    o.connectTimeout = unitValue(v, "time", complaint, "--connect-timeout");
    if (!(o.connectTimeout > 0)) throw new UsageError(complaint);
  });
  value("--channel-lifetime <Time>", (v) => {
    const complaint = `Expected non-negative --channel-lifetime=${v}`;
    o.channelLifetime = unitValue(v, "time", complaint, "--channel-lifetime");
    if (!(o.channelLifetime >= 0)) throw new UsageError(complaint);
  });
  value("--channel-bandwidth-upstream <Bandwidth>", (v) => {
    const complaint = "Expecting --channel-bandwidth-upstream > 0";
    const perSecond = unitValue(v, "bandwidth", complaint, "--channel-bandwidth-upstream");
    if (!(perSecond > 0)) throw new UsageError(complaint);
    o.upstream = { kind: "bytes", perSecond };
  });
  value("--channel-bandwidth-downstream <Bandwidth>", (v) => {
    const complaint = "Expecting --channel-bandwidth-downstream > 0";
    const perSecond = unitValue(v, "bandwidth", complaint, "--channel-bandwidth-downstream");
    if (!(perSecond >= 0)) throw new UsageError(complaint);
    o.downstreamBandwidth = perSecond;
  });
  value("-l, --listen-port <port>", (v) => {
    const colon = v.indexOf(":");
    const port = atoi(colon < 0 ? v : v.slice(colon + 1));
    if (port < 1 || port > 65534) {
      throw new UsageError(`--listen-port=${port} is not in [1..65535]`);
    }
    o.listenPort = { host: colon < 0 ? null : v.slice(0, colon), port };
  });
  value("--listen-mode <mode>", (v) => {
    // tcpkali 1.2.0 rejects its own documented default "silent"; kali accepts it.
    if (v !== "silent" && v !== "active") {
      throw new UsageError(`--listen-mode=${v} is not one of {silent|active}`);
    }
    o.listenMode = v;
  });
  value("-T, --duration <Time>", (v) => {
    const complaint = `Expected positive --duration=${v}`;
    const seconds = unitValue(v, "time", complaint, "-T");
    if (seconds === -1) o.duration = null;
    else if (seconds > 0) o.duration = seconds;
    else throw new UsageError(complaint);
  });
  value("--delay-send <Time>", (v) => {
    const complaint = `Expected non-negative --delay-send=${v}`;
    o.delaySend = unitValue(v, "time", complaint, "--delay-send");
    if (!(o.delaySend >= 0)) throw new UsageError(complaint);
  });
  flag("-e, --unescape-message-args", () => unescapeNext = true);
  const content = (kind: ContentArg["kind"], fromFile: boolean, option: string) => (v: string) => {
    const bytes = fromFile ? readPermittedFile(v) : new TextEncoder().encode(v);
    if (fromFile && bytes.length === 0) o.notices.push(`${v}: Warning: file has no content`);
    o.content.push({ kind, bytes, unescape: unescapeNext, origin: fromFile ? v : option });
  };
  value("-1, --first-message <string>", content("first", false, "--first-message"));
  value("--first-message-file <name>", content("first", true, "--first-message-file"));
  value("-m, --message <string>", content("message", false, "--message"));
  value("-f, --message-file <name>", content("message", true, "--message-file"));
  value("-r, --message-rate <Rate>", (v) => {
    if (v.startsWith("@")) {
      rateSearchOption(o.latency, v, o.upstream !== null, o.notices);
      o.upstream = { kind: "messages", perSecond: 100 }; // the search starts at 100 msg/s
      o.duration = null; // a -T after -r @ sets the limit again
      return;
    }
    const complaint = "Expecting --message-rate > 0";
    const perSecond = unitValue(v, "count", complaint, "-r");
    if (!(perSecond > 0)) throw new UsageError(complaint);
    o.upstream = { kind: "messages", perSecond };
    fixedRateOption(o.latency, v, o.notices);
  });
  value("--message-stop <string>", (v) => {
    if (v === "") throw new UsageError("--message-stop: Non-empty message expected");
    o.messageStop = compileLiteral(v, { unescape: unescapeNext, origin: "--message-stop" });
  });
  flag("--statsd", () => o.statsd.enabled = true);
  value("--statsd-host <host>", (v) => o.statsd.host = v);
  value("--statsd-port <port>", (v) => {
    const port = atoi(v);
    if (port < 1 || port > 65534) {
      throw new UsageError(`--statsd-port=${port} is not in [1..65535]`);
    }
    o.statsd.port = port;
  });
  value("--statsd-namespace <string>", (v) => o.statsd.namespace = v);
  value("--statsd-latency-window <Time>", (v) => {
    const complaint = `Expected positive --statsd-latency-window=${v}`;
    const seconds = unitValue(v, "time", complaint, "--statsd-latency-window");
    if (!(seconds > 0)) throw new UsageError(complaint);
    o.statsd.latencyWindow = seconds;
  });
  value("--json <file>", (v) => o.jsonFile = v);
  flag("--latency-connect", () => o.latency.connect = true);
  flag("--latency-first-byte", () => o.latency.firstByte = true);
  flag("--message-marker", () => messageMarkerOption(o.latency));
  value("--latency-marker <string>", (v) => latencyMarkerOption(o.latency, v, unescapeNext));
  value("--latency-marker-skip <N>", (v) => markerSkipOption(o.latency, v));
  value("--latency-percentiles <list>", (v) => percentilesOption(o.latency, v));
  value("--server <hostport>", () => {
    throw new UsageError("--server: tcpkali's orchestration protocol is not supported by kali");
  });

  try {
    cmd.parse(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) throw commanderUsage(error, args, program);
    throw error;
  }
  if (exit) return exit;
  o.destinations = cmd.args;
  o.argv = [...argv];
  return { kind: "run", options: o };
}

/** Turns commander's complaint into getopt's wording plus the long help. */
function commanderUsage(error: CommanderError, args: string[], program: string): UsageError {
  const help = longHelp(program, cpuCount());
  const quoted = /'(-[^']*)'/.exec(error.message)?.[1] ?? "";
  if (error.code === "commander.unknownOption") {
    const line = quoted.startsWith("--")
      ? `${program}: unrecognized option '${quoted}'`
      : `${program}: invalid option -- '${quoted.slice(1)}'`;
    return new UsageError([line, `${quoted}: unknown option`], EXIT.usage, help);
  }
  if (error.code === "commander.optionMissingArgument") {
    const short = /'-(\w)[, ]/.exec(error.message)?.[1];
    const long = /--([\w-]+)/.exec(error.message)?.[1];
    const typed = args.at(-1) ?? "";
    const line = typed.startsWith("--") || !short
      ? `${program}: option '--${long}' requires an argument`
      : `${program}: option requires an argument -- '${short}'`;
    return new UsageError([line, `${typed}: unknown option`], EXIT.usage, help);
  }
  return new UsageError(`${program}: ${error.message.replace(/^error: /, "")}`, EXIT.usage, help);
}
