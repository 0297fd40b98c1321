/**
 * Help and version texts, laid out as tcpkali's so that muscle memory and
 * scripts carry over.
 *
 * @module
 */
import { VERSION } from "../shared/version.ts";

/** The `--version` line. */
export function versionText(): string {
  return `kali version ${VERSION} (deno ${Deno.version.deno}, tcpkali 1.2.0 compatible)`;
}

/** The long usage printed by `--help` and after unknown options. */
export function longHelp(program: string, cpus: number): string {
  const workers = `<N=${cpus}>${cpus < 10 ? " " : ""}`;
  return `Usage: ${program} [OPTIONS] [-l <port>] [<host:port>...]
Where OPTIONS are:
  -h                           Print short help screen, then exit
  --help                       Print this help screen, then exit
  --version                    Print version number, then exit
  -v, --verbose <level=1>      Increase (-v) or set verbosity level [0..3]
  -d, --dump-one               Dump i/o data for a single connection
  --dump-one-in                Dump incoming data for a single connection
  --dump-one-out               Dump outgoing data for a single connection
  --dump-{all,all-in,all-out}  Dump i/o data for all connections
  --nagle {on|off}             Control Nagle algorithm (set TCP_NODELAY)
  --rcvbuf <SizeBytes>         Set TCP receive buffers (set SO_RCVBUF)
  --sndbuf <SizeBytes>         Set TCP send buffers (set SO_SNDBUF)
  --source-ip <IP>             Use the specified IP address to connect
  --write-combine off          Disable batching adjacent writes
  -w, --workers ${workers}      Number of parallel threads to use

  --ws, --websocket            Use RFC6455 WebSocket transport
  --ssl                        Enable TLS
  --ssl-cert <filename>        X.509 certificate file (default: cert.pem)
  --ssl-key <filename>         Private key file (default: key.pem)
  -H, --header <string>        Add HTTP header into WebSocket handshake
  -c, --connections <N=1>      Connections to keep open to the destinations
  --connect-rate <Rate=100>     Limit number of new connections per second
  --connect-timeout <Time=1s>  Limit time spent in a connection attempt
  --channel-lifetime <Time>    Shut down each connection after Time seconds
  --channel-bandwidth-upstream <Bandwidth>     Limit upstream bandwidth
  --channel-bandwidth-downstream <Bandwidth>   Limit downstream bandwidth
  -l, --listen-port <port>     Listen on the specified port
  --listen-mode=<mode>         What to do upon client connect, where <mode> is:
               "silent"        Do not send data, ignore received data (default)
               "active"        Actively send messages
  -T, --duration <Time=10s>    Exit after the specified amount of time
  --delay-send <Time>          Delay sending data by a specified amount of time

  -e, --unescape-message-args  Unescape the message data arguments
  -1, --first-message <string> Send this message first, once
  --first-message-file <name>  Read the first message from a file
  -m, --message <string>       Message to repeatedly send to the remote
  -f, --message-file <name>    Read message to send from a file
  -r, --message-rate <Rate>    Messages per second to send in a connection
  -r, --message-rate @<Latency> Measure a message rate at a given latency
  --message-stop <string>      Abort if this string is found in received data

  --latency-connect            Measure TCP connection establishment latency
  --latency-first-byte         Measure time to first byte latency
  --latency-marker <string>    Measure latency using a per-message marker
  --latency-marker-skip <N>    Ignore the first N occurrences of a marker
  --latency-percentiles <list> Report latency at specified percentiles
  --message-marker             Parse markers to calculate latency

  --statsd                     Enable StatsD output (default disabled)
  --statsd-host <host>         StatsD host to send data (default is localhost)
  --statsd-port <port>         StatsD port to use (default is 8125)
  --statsd-namespace <string>  Metric namespace (default is "tcpkali")
  --statsd-latency-window <T>  Aggregate latencies in discrete windows

  --server <host:port>         Orchestration server to connect to
  --json <file>                Write the results as JSON (kali extension)

Variable units and recognized multipliers:
  <N>, <Rate>:  k (1000, as in "5k" is 5000), m (1000000)
  <SizeBytes>:  k (1024, as in "5k" is 5120), m (1024*1024)
  <Bandwidth>:  kbps, Mbps (bits per second), kBps, MBps (bytes per second)
  <Time>, <Latency>:  ms, s, m, h, d (milliseconds, seconds, minutes, etc)
  <Rate>, <Time> and <Latency> can be fractional values, such as 0.25.
`;
}

/** The short usage printed by `-h` and when there is no target. */
export function shortHelp(program: string): string {
  return `Usage: ${program} [OPTIONS] [-l <port>] [<host:port>...]
Where some OPTIONS are:
  -h                   Print this help screen, then exit
  --help               Print long help screen, then exit
  -d                   Dump i/o data for a single connection

  -c <N>               Connections to keep open to the destinations
  -l <port>            Listen on the specified port
  --ws, --websocket    Use RFC6455 WebSocket transport
  -T <Time=10s>        Exit after the specified amount of time

  -e                   Unescape backslash-escaping in a message string
  -1 <string>          Message to send to the remote host once
  -m <string>          Message to repeatedly send to the remote
  -r <Rate>            Messages per second to send in a connection

Variable units and recognized multipliers:
  <N>, <Rate>:  k (1000, as in "5k" is 5000), m (1000000)
  <Time>:       ms, s, m, h, d (milliseconds, seconds, minutes, hours, days)
  <Rate> and <Time> can be fractional values, such as 0.25.

Use \`${program} --help\` for a full set of supported options.
`;
}
