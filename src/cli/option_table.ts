/**
 * Every command-line option, once: its flags, how its value is read, its
 * lines in `--help` and `-h`, and its row in the README's option table.
 * Registration with the argument parser, unique-prefix abbreviation, both
 * help screens and the README check all derive from this table.
 *
 * The order is tcpkali's `--help` order, which is also the order in which
 * an ambiguous abbreviation lists its possibilities.
 *
 * @module
 */
import { DEFAULT_CERT_FILE, DEFAULT_KEY_FILE } from "../transport/tls_certificate.ts";
import { UsageError } from "../errors.ts";
import {
  latencyMarkerOption,
  markerSkipOption,
  messageMarkerOption,
  percentilesOption,
} from "./latency_options.ts";
import {
  addDump,
  bufferSize,
  channelLifetime,
  connectionCount,
  connectRate,
  connectTimeout,
  delaySend,
  downstreamBandwidth,
  duration,
  listenMode,
  listenPort,
  messageStop,
  nagleSetting,
  type ParseState,
  portNumber,
  readContent,
  readHeader,
  readMessageRate,
  readWriteCombine,
  statsdLatencyWindow,
  upstreamBandwidth,
  verboseLevel,
  workerCount,
} from "./option_readers.ts";
import { DEFAULT_PERCENTILES } from "./percentiles.ts";
import { parseThreshold } from "./thresholds.ts";
import { parseShard, parseStartAt } from "./scale_options.ts";
import { inFlightOption, responseTimeoutOption, stageOption } from "./workload_options.ts";

/** One line of a help screen: flags on the left, text in the second column. */
export interface HelpRow {
  /** The left column; a function of the CPU count for `-w`'s `<N=cpus>`. */
  flags: string | ((cpus: number) => string);
  text: string;
  /**
   * Spaces between the columns where tcpkali's own layout drifts from the
   * column; by default the text starts at the screen's column.
   */
  gap?: number;
}

/** One row of the README's option table. */
export interface ReadmeRow {
  /** The first column's entries, each shown in backticks. */
  option: string[];
  default: string;
  /** The third column, Markdown. */
  meaning: string;
}

/** One option: one registration with the argument parser. */
export interface OptionSpec {
  /** The letter of `-x`. */
  short?: string;
  /** The name of `--long-name`. */
  long?: string;
  /** The value's name, as in `<N>`; none for a flag. */
  value?: string;
  /** Applies one occurrence (a flag gets ""); throws UsageError with tcpkali's words. */
  read(state: ParseState, value: string): void;
  /** Its lines in `--help`; none when another option's line shows it. */
  help?: HelpRow[];
  /** Its line in `-h`, for the few options that screen shows. */
  brief?: HelpRow;
  /** Its rows in the README table; none when another option's row names it. */
  readme?: ReadmeRow[];
  /** A kali extension: abbreviations tcpkali knew keep their meaning despite it. */
  kali?: boolean;
}

/** A single-line help row. */
function line(flags: HelpRow["flags"], text: string, gap?: number): HelpRow[] {
  return [gap === undefined ? { flags, text } : { flags, text, gap }];
}

/** A single README row. */
function row(option: string[], byDefault: string, meaning: string): ReadmeRow[] {
  return [{ option, default: byDefault, meaning }];
}

const GENERAL: OptionSpec[] = [
  {
    short: "h",
    read: (s) => s.exit ??= "short-help",
    help: line("-h", "Print short help screen, then exit"),
    brief: { flags: "-h", text: "Print this help screen, then exit" },
    readme: row(["-h", "--help"], "", "short / long help (exit 64, as tcpkali)"),
  },
  {
    long: "help",
    read: (s) => s.exit ??= "long-help",
    help: line("--help", "Print this help screen, then exit"),
    brief: { flags: "--help", text: "Print long help screen, then exit" },
  },
  {
    long: "version",
    read: (s) => s.exit ??= "version",
    help: line("--version", "Print version number, then exit"),
    readme: row(["--version"], "", "version line"),
  },
  {
    short: "v",
    read: (s) => s.options.verbosity = Math.min(3, s.options.verbosity + 1),
    help: line("-v, --verbose <level=1>", "Increase (-v) or set verbosity level [0..3]"),
    readme: row(
      ["-v", "--verbose <0..3>"],
      "0",
      "`-v` per-connection problems, `-vv` connections opened/closed and a per-worker summary at exit",
    ),
  },
  {
    long: "verbose",
    value: "<level>",
    read: (s, v) => s.options.verbosity = verboseLevel(v),
  },
  {
    short: "d",
    long: "dump-one",
    read: (s) => addDump(s.options, "one", { in: true, out: true }),
    help: line("-d, --dump-one", "Dump i/o data for a single connection"),
    brief: { flags: "-d", text: "Dump i/o data for a single connection" },
    readme: row(
      ["-d", "--dump-one", "--dump-one-in", "--dump-one-out"],
      "off",
      "dump the bytes of one connection on stderr",
    ),
  },
  {
    long: "dump-one-in",
    read: (s) => addDump(s.options, "one", { in: true, out: false }),
    help: line("--dump-one-in", "Dump incoming data for a single connection"),
  },
  {
    long: "dump-one-out",
    read: (s) => addDump(s.options, "one", { in: false, out: true }),
    help: line("--dump-one-out", "Dump outgoing data for a single connection"),
  },
  {
    long: "dump-all",
    read: (s) => addDump(s.options, "all", { in: true, out: true }),
    help: line("--dump-{all,all-in,all-out}", "Dump i/o data for all connections"),
    readme: row(["--dump-all", "--dump-all-in", "--dump-all-out"], "off", "dump every connection"),
  },
  {
    long: "dump-all-in",
    read: (s) => addDump(s.options, "all", { in: true, out: false }),
  },
  {
    long: "dump-all-out",
    read: (s) => addDump(s.options, "all", { in: false, out: true }),
  },
  {
    long: "nagle",
    value: "<onoff>",
    read: (s, v) => s.options.nagle = nagleSetting(v),
    help: line("--nagle {on|off}", "Control Nagle algorithm (set TCP_NODELAY)"),
    readme: row(["--nagle <on|off>"], "untouched", "set TCP_NODELAY off/on"),
  },
  {
    long: "rcvbuf",
    value: "<size>",
    read: (s, v) => s.options.rcvbuf = bufferSize(v, "--rcvbuf"),
    help: line("--rcvbuf <SizeBytes>", "Set TCP receive buffers (set SO_RCVBUF)"),
    readme: row(
      ["--rcvbuf", "--sndbuf <SizeBytes>"],
      "",
      "accepted, but Deno cannot set socket buffers: kali warns that they make no effect",
    ),
  },
  {
    long: "sndbuf",
    value: "<size>",
    read: (s, v) => s.options.sndbuf = bufferSize(v, "--sndbuf"),
    help: line("--sndbuf <SizeBytes>", "Set TCP send buffers (set SO_SNDBUF)"),
  },
  {
    long: "source-ip",
    value: "<ip>",
    read: (s, v) => s.options.sourceIps.push(v),
    help: line("--source-ip <IP>", "Use the specified IP address to connect"),
    readme: row(
      ["--source-ip <IP>"],
      "detected",
      "bind outgoing connections to these local addresses, round robin (repeatable)",
    ),
  },
  {
    long: "write-combine",
    value: "<onoff>",
    read: (s, v) => readWriteCombine(s.options, v),
    help: line("--write-combine off", "Disable batching adjacent writes"),
    readme: row(
      ["--write-combine <on|off>"],
      "on",
      "`off`: one message (or 1460 bytes) per write",
    ),
  },
  {
    short: "w",
    long: "workers",
    value: "<N>",
    read: (s, v) => s.options.workers = workerCount(v),
    // tcpkali pads a one-digit count, so the column moves with the digits.
    help: line(
      (cpus) => `-w, --workers <N=${cpus}>${cpus < 10 ? " " : ""}`,
      "Number of parallel threads to use",
      6,
    ),
    readme: row(["-w", "--workers <N>"], "CPUs", "worker threads, 1..CPUs"),
  },
];

const CONNECTIONS: OptionSpec[] = [
  {
    long: "ws",
    read: (s) => s.options.websocket = true,
    help: line("--ws, --websocket", "Use RFC6455 WebSocket transport"),
    brief: { flags: "--ws, --websocket", text: "Use RFC6455 WebSocket transport" },
    readme: row(
      ["--ws", "--websocket"],
      "off",
      "RFC 6455 client handshake and framing; WebSocket listener with `-l`",
    ),
  },
  {
    long: "websocket",
    read: (s) => s.options.websocket = true,
  },
  {
    long: "ssl",
    read: (s) => s.options.ssl = true,
    help: line("--ssl", "Enable TLS"),
    readme: row(
      ["--ssl"],
      "off",
      "TLS on every outgoing and accepted connection (with `--ws`: wss); server certificates are not verified (see below)",
    ),
  },
  {
    long: "ssl-cert",
    value: "<file>",
    read: (s, v) => s.options.sslCert = v,
    help: line("--ssl-cert <filename>", `X.509 certificate file (default: ${DEFAULT_CERT_FILE})`),
    readme: row(
      ["--ssl-cert <file>"],
      DEFAULT_CERT_FILE,
      "the listener's certificate chain (PEM); read before the run, only with `-l`",
    ),
  },
  {
    long: "ssl-key",
    value: "<file>",
    read: (s, v) => s.options.sslKey = v,
    help: line("--ssl-key <filename>", `Private key file (default: ${DEFAULT_KEY_FILE})`),
    readme: row(
      ["--ssl-key <file>"],
      DEFAULT_KEY_FILE,
      "the listener's private key (PEM); read before the run, only with `-l`",
    ),
  },
  {
    short: "H",
    long: "header",
    value: "<string>",
    read: readHeader,
    help: line("-H, --header <string>", "Add HTTP header into WebSocket handshake"),
    readme: row(
      ["-H", "--header <string>"],
      "",
      "extra header line in the WebSocket upgrade request (repeatable)",
    ),
  },
  {
    short: "c",
    long: "connections",
    value: "<N>",
    read: (s, v) => s.options.connections = connectionCount(v),
    help: line("-c, --connections <N=1>", "Connections to keep open to the destinations"),
    brief: { flags: "-c <N>", text: "Connections to keep open to the destinations" },
    readme: row(["-c", "--connections <N>"], "1", "connections to keep open to the destinations"),
  },
  {
    long: "connect-rate",
    value: "<Rate>",
    read: (s, v) => s.options.connectRate = connectRate(v),
    help: line("--connect-rate <Rate=100>", "Limit number of new connections per second", 5),
    readme: row(["--connect-rate <Rate>"], "100", "new connections per second (smooth, no bursts)"),
  },
  {
    long: "connect-timeout",
    value: "<Time>",
    read: (s, v) => s.options.connectTimeout = connectTimeout(v),
    help: line("--connect-timeout <Time=1s>", "Limit time spent in a connection attempt"),
    readme: row(["--connect-timeout <Time>"], "1s", "limit for one connection attempt"),
  },
  {
    long: "channel-lifetime",
    value: "<Time>",
    read: (s, v) => s.options.channelLifetime = channelLifetime(v),
    help: line("--channel-lifetime <Time>", "Shut down each connection after Time seconds"),
    readme: row(
      ["--channel-lifetime <Time>"],
      "forever",
      "close each connection after this long; it is re-opened",
    ),
  },
  {
    long: "channel-bandwidth-upstream",
    value: "<Bandwidth>",
    read: (s, v) => s.options.upstream = { kind: "bytes", perSecond: upstreamBandwidth(v) },
    help: line("--channel-bandwidth-upstream <Bandwidth>", "Limit upstream bandwidth", 5),
    readme: row(
      ["--channel-bandwidth-upstream <Bandwidth>"],
      "unlimited",
      "per-connection send limit (shares its setting with `-r`: the later wins)",
    ),
  },
  {
    long: "channel-bandwidth-downstream",
    value: "<Bandwidth>",
    read: (s, v) => s.options.downstreamBandwidth = downstreamBandwidth(v),
    help: line("--channel-bandwidth-downstream <Bandwidth>", "Limit downstream bandwidth", 3),
    readme: row(
      ["--channel-bandwidth-downstream <Bandwidth>"],
      "unlimited",
      "per-connection receive limit; `0` never reads",
    ),
  },
  {
    short: "l",
    long: "listen-port",
    value: "<port>",
    read: (s, v) => s.options.listenPort = listenPort(v),
    help: line("-l, --listen-port <port>", "Listen on the specified port"),
    brief: { flags: "-l <port>", text: "Listen on the specified port" },
    readme: row(["-l", "--listen-port <[host:]port>"], "", "listen (sink) mode, IPv4 and IPv6"),
  },
  {
    long: "listen-mode",
    value: "<mode>",
    read: (s, v) => s.options.listenMode = listenMode(v),
    help: [
      { flags: "--listen-mode=<mode>", text: "What to do upon client connect, where <mode> is:" },
      { flags: '             "silent"', text: "Do not send data, ignore received data (default)" },
      { flags: '             "active"', text: "Actively send messages" },
      { flags: '             "echo"', text: "Send back every byte received (kali extension)" },
    ],
    readme: row(
      ["--listen-mode <silent|active|echo>"],
      "silent",
      "`active`: accepted connections send the messages too; `echo` (kali): they send back every byte received (see below)",
    ),
  },
  {
    short: "T",
    long: "duration",
    value: "<Time>",
    read: (s, v) => {
      s.options.duration = duration(v);
      s.options.workload.durationGiven = true;
    },
    help: line("-T, --duration <Time=10s>", "Exit after the specified amount of time"),
    brief: { flags: "-T <Time=10s>", text: "Exit after the specified amount of time" },
    readme: row(
      ["-T", "--duration <Time>"],
      "10s",
      "steady-phase length; `-1` runs until Ctrl-C",
    ),
  },
  {
    long: "delay-send",
    value: "<Time>",
    read: (s, v) => s.options.delaySend = delaySend(v),
    help: line("--delay-send <Time>", "Delay sending data by a specified amount of time"),
    readme: row(
      ["--delay-send <Time>"],
      "0",
      "hold back all sending this long after a connection starts",
    ),
  },
];

const CONTENT: OptionSpec[] = [
  {
    short: "e",
    long: "unescape-message-args",
    read: (s) => s.unescape = true,
    help: line("-e, --unescape-message-args", "Unescape the message data arguments"),
    brief: { flags: "-e", text: "Unescape backslash-escaping in a message string" },
    readme: row(
      ["-e", "--unescape-message-args"],
      "off",
      "unescape `\\n`, `\\r`, `\\xHH`, `\\0ooo` … in the content options after it",
    ),
  },
  {
    short: "1",
    long: "first-message",
    value: "<string>",
    read: (s, v) => readContent(s, "first", { file: false, option: "--first-message" }, v),
    help: line("-1, --first-message <string>", "Send this message first, once"),
    brief: { flags: "-1 <string>", text: "Message to send to the remote host once" },
    readme: row(
      ["-1", "--first-message <string>"],
      "",
      "sent once at connection start (repeatable)",
    ),
  },
  {
    long: "first-message-file",
    value: "<name>",
    read: (s, v) => readContent(s, "first", { file: true, option: "--first-message-file" }, v),
    help: line("--first-message-file <name>", "Read the first message from a file"),
    readme: row(["--first-message-file <file>"], "", "same, from a file"),
  },
  {
    short: "m",
    long: "message",
    value: "<string>",
    read: (s, v) => readContent(s, "message", { file: false, option: "--message" }, v),
    help: line("-m, --message <string>", "Message to repeatedly send to the remote"),
    brief: { flags: "-m <string>", text: "Message to repeatedly send to the remote" },
    readme: row(
      ["-m", "--message <string>"],
      "",
      "sent repeatedly (repeatable: one composite message)",
    ),
  },
  {
    short: "f",
    long: "message-file",
    value: "<name>",
    read: (s, v) => readContent(s, "message", { file: true, option: "--message-file" }, v),
    help: line("-f, --message-file <name>", "Read message to send from a file"),
    readme: row(["-f", "--message-file <file>"], "", "same, from a file"),
  },
  {
    short: "r",
    long: "message-rate",
    value: "<Rate>",
    read: readMessageRate,
    help: [
      { flags: "-r, --message-rate <Rate>", text: "Messages per second to send in a connection" },
      { flags: "-r, --message-rate @<Latency>", text: "Measure a message rate at a given latency" },
    ],
    brief: { flags: "-r <Rate>", text: "Messages per second to send in a connection" },
    readme: [
      {
        option: ["-r", "--message-rate <Rate>"],
        default: "unlimited",
        meaning: "messages per second per connection, keeping message boundaries",
      },
      {
        option: ["-r @<Latency>"],
        default: "",
        meaning:
          "search for the highest message rate whose latency stays under the bound (see below)",
      },
    ],
  },
  {
    long: "message-stop",
    value: "<string>",
    read: (s, v) => s.options.messageStop = messageStop(s, v),
    help: line("--message-stop <string>", "Abort if this string is found in received data"),
    readme: row(["--message-stop <string>"], "", "exit 2 as soon as this string is received"),
  },
];

const LATENCY: OptionSpec[] = [
  {
    long: "latency-connect",
    read: (s) => s.options.latency.connect = true,
    help: line("--latency-connect", "Measure TCP connection establishment latency"),
    readme: row(["--latency-connect"], "off", "histogram of TCP connect time"),
  },
  {
    long: "latency-first-byte",
    read: (s) => s.options.latency.firstByte = true,
    help: line("--latency-first-byte", "Measure time to first byte latency"),
    readme: row(["--latency-first-byte"], "off", "histogram of time to first received byte"),
  },
  {
    long: "latency-marker",
    value: "<string>",
    read: (s, v) => latencyMarkerOption(s.options.latency, v, s.unescape),
    help: line("--latency-marker <string>", "Measure latency using a per-message marker"),
    readme: row(
      ["--latency-marker <string>"],
      "",
      "request/response latency: time from sending a message to seeing this string (may hold `\\{connection.uid}` …)",
    ),
  },
  {
    long: "latency-marker-skip",
    value: "<N>",
    read: (s, v) => markerSkipOption(s.options.latency, v),
    help: line("--latency-marker-skip <N>", "Ignore the first N occurrences of a marker"),
    readme: row(
      ["--latency-marker-skip <N>"],
      "0",
      "ignore the first N marker hits per connection",
    ),
  },
  {
    long: "latency-percentiles",
    value: "<list>",
    read: (s, v) => percentilesOption(s.options.latency, v),
    help: line("--latency-percentiles <list>", "Report latency at specified percentiles"),
    readme: row(
      ["--latency-percentiles <list>"],
      DEFAULT_PERCENTILES.map((p) => p.label).join(","),
      "percentiles to report (`,` or `/` separated, repeatable)",
    ),
  },
  {
    long: "message-marker",
    read: (s) => messageMarkerOption(s.options.latency),
    help: line("--message-marker", "Parse markers to calculate latency"),
    readme: row(
      ["--message-marker"],
      "off",
      "detect `\\{message.marker}` timestamps in received data (message rate, one-way latency)",
    ),
  },
];

const STATSD: OptionSpec[] = [
  {
    long: "statsd",
    read: (s) => s.options.statsd.enabled = true,
    help: line("--statsd", "Enable StatsD output (default disabled)"),
    readme: row(["--statsd"], "off", "send StatsD metrics over UDP"),
  },
  {
    long: "statsd-host",
    value: "<host>",
    read: (s, v) => s.options.statsd.host = v,
    help: line("--statsd-host <host>", "StatsD host to send data (default is localhost)"),
    readme: row(
      ["--statsd-host <host>", "--statsd-port <port>"],
      "127.0.0.1, 8125",
      "StatsD destination",
    ),
  },
  {
    long: "statsd-port",
    value: "<port>",
    read: (s, v) => s.options.statsd.port = portNumber(v, "--statsd-port"),
    help: line("--statsd-port <port>", "StatsD port to use (default is 8125)"),
  },
  {
    long: "statsd-namespace",
    value: "<string>",
    read: (s, v) => s.options.statsd.namespace = v,
    help: line("--statsd-namespace <string>", 'Metric namespace (default is "tcpkali")'),
    readme: row(["--statsd-namespace <string>"], "tcpkali", "metric prefix"),
  },
  {
    long: "statsd-latency-window",
    value: "<Time>",
    read: (s, v) => s.options.statsd.latencyWindow = statsdLatencyWindow(v),
    help: line("--statsd-latency-window <T>", "Aggregate latencies in discrete windows"),
    readme: row(
      ["--statsd-latency-window <Time>"],
      "",
      "send latencies per window instead of cumulative",
    ),
  },
];

const OTHER: OptionSpec[] = [
  {
    long: "server",
    value: "<hostport>",
    read: () => {
      throw new UsageError("--server: tcpkali's orchestration protocol is not supported by kali");
    },
    help: line("--server <host:port>", "Orchestration server to connect to"),
    readme: row(
      ["--server <host:port>"],
      "",
      "tcpkali's orchestration protocol: refused, not supported by kali",
    ),
  },
  {
    long: "json",
    kali: true,
    value: "<file>",
    read: (s, v) => s.options.jsonFile = v,
    help: line("--json <file>", "Write the results as JSON; - for stdout (kali extension)"),
    readme: row(
      ["--json <file>"],
      "",
      "kali extension: every figure, the options, per-second series and the latency histograms as JSON ([schema](docs/json-schema.md)); `-`: on stdout, the report then on stderr",
    ),
  },
  {
    long: "hdr-log",
    kali: true,
    value: "<file>",
    read: (s, v) => s.options.hdrLogFile = v,
    help: line(
      "--hdr-log <file>",
      "Write latency as an HdrHistogram interval log (kali extension)",
    ),
    readme: row(
      ["--hdr-log <file>"],
      "",
      "kali extension: latency as an HdrHistogram interval log, one interval per second and kind, written as the run goes",
    ),
  },
  {
    long: "html",
    kali: true,
    value: "<file>",
    read: (s, v) => s.options.htmlFile = v,
    help: line("--html <file>", "Write the results as a self-contained web page (kali extension)"),
    readme: row(
      ["--html <file>"],
      "",
      "kali extension: the result as one self-contained web page with charts",
    ),
  },
  {
    long: "threshold",
    kali: true,
    value: "<expr>",
    read: (s, v) => s.options.thresholds.push(parseThreshold(v)),
    help: line(
      "--threshold <expr>",
      'Exit 99 unless e.g. "message.p99 < 5ms" holds (kali extension)',
    ),
    readme: row(
      ["--threshold <expr>"],
      "",
      'kali extension: exit 99 after the report unless it holds, e.g. `"message.p99 < 5ms"` (repeatable; see Results)',
    ),
  },
  {
    long: "shard",
    kali: true,
    value: "<I/N>",
    read: (s, v) => s.options.shard = parseShard(v),
    help: line("--shard <I/N>", "Run part I (0..N-1) of a test split over N (kali extension)"),
    readme: row(
      ["--shard <I/N>"],
      "",
      "kali extension: run part I (from 0) of a test split over N runs ([Kubernetes](docs/kubernetes.md))",
    ),
  },
  {
    long: "start-at",
    kali: true,
    value: "<when>",
    read: (s, v) => s.options.startAtMs = parseStartAt(v),
    help: line("--start-at <when>", "Start at an RFC 3339 or epoch-ms instant (kali extension)"),
    readme: row(
      ["--start-at <when>"],
      "",
      "kali extension: get ready, then start at this instant (RFC 3339, epoch ms); late: at once, lateness recorded",
    ),
  },
];

/** kali's workload shapes: stages and the closed loop. */
const WORKLOAD: OptionSpec[] = [
  {
    long: "stage",
    kali: true,
    value: "<stage>",
    read: (s, v) => stageOption(s.options.workload, v),
    help: [
      { flags: "--stage <Time>:c=<N>,r=<Rate>", text: "Move connections and message rate", gap: 2 },
      { flags: "", text: "linearly to these over Time (repeatable)", gap: 29 },
    ],
    readme: row(
      ["--stage <Time>:c=<N>,r=<Rate>"],
      "",
      "kali extension: move connections and per-connection rate linearly to these values over Time (repeatable; not with `-T`)",
    ),
  },
  {
    long: "closed-loop",
    kali: true,
    read: (s) => s.options.workload.closedLoop = true,
    help: line("--closed-loop", "Send when an earlier message's marker came back"),
    readme: row(
      ["--closed-loop"],
      "off",
      "kali extension: send a message only while fewer than `--in-flight` await their `--latency-marker` answer",
    ),
  },
  {
    long: "in-flight",
    kali: true,
    value: "<N>",
    read: (s, v) => inFlightOption(s.options.workload, v),
    help: line("--in-flight <N=1>", "Messages awaiting an answer per connection"),
    readme: row(
      ["--in-flight <N>"],
      "1",
      "kali extension: messages awaiting an answer per connection (`--closed-loop`)",
    ),
  },
  {
    long: "response-timeout",
    kali: true,
    value: "<Time>",
    read: (s, v) => responseTimeoutOption(s.options.workload, v),
    help: line("--response-timeout <Time=1s>", "Give up waiting for an answer after Time", 1),
    readme: row(
      ["--response-timeout <Time>"],
      "1s",
      "kali extension: an answer later than this is a timeout and frees its slot (`--closed-loop`)",
    ),
  },
  {
    long: "response-timeout-close",
    kali: true,
    read: (s) => s.options.workload.responseTimeoutClose = true,
    help: line("--response-timeout-close", "Close (and re-open) a connection on a timeout"),
    readme: row(
      ["--response-timeout-close"],
      "off",
      "kali extension: a timeout closes the connection; it is re-opened (`--closed-loop`)",
    ),
  },
];

/** The options in `--help`'s groups, which that screen separates by blank lines. */
export const OPTION_GROUPS: readonly (readonly OptionSpec[])[] = [
  GENERAL,
  CONNECTIONS,
  CONTENT,
  LATENCY,
  STATSD,
  OTHER,
  WORKLOAD,
];

/** Every option, in `--help` order. */
export const OPTIONS: readonly OptionSpec[] = OPTION_GROUPS.flat();

/** Every long option name, in `--help` order, for unique-prefix abbreviation. */
export const LONG_NAMES: readonly string[] = OPTIONS.flatMap((o) => o.long ?? []);

/** The long names tcpkali has: a prefix unique among them keeps naming that option. */
export const TCPKALI_LONG_NAMES: readonly string[] = OPTIONS.flatMap((o) =>
  o.kali ? [] : o.long ?? []
);

/** The option spelled `-x` or `--long-name`. */
export function optionNamed(flag: string): OptionSpec {
  const found = OPTIONS.find((o) =>
    flag.startsWith("--") ? `--${o.long}` === flag : `-${o.short}` === flag
  );
  if (!found) throw new Error(`no option ${flag}`);
  return found;
}
