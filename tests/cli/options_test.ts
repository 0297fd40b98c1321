import assert from "node:assert/strict";
import { parseArgs } from "../../src/cli/options.ts";
import { parsed as run, parseRefusal as refusal } from "../_helpers/cli.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("defaults are tcpkali's", () => {
  const o = run("127.0.0.1:80");
  assert.equal(o.connections, 1);
  assert.equal(o.connectRate, 100);
  assert.equal(o.connectTimeout, 1);
  assert.equal(o.duration, 10);
  assert.equal(o.verbosity, 0);
  assert.equal(o.writeCombine, true);
  assert.equal(o.nagle, null);
  assert.equal(o.listenMode, "silent");
  assert.deepEqual(o.destinations, ["127.0.0.1:80"]);
});

Deno.test("getopt forms: combined short flags, attached values, --opt=value", () => {
  const o = run("-em", "a\\nb", "-c10k", "--duration=2", "-vvv", "h:1");
  assert.equal(o.connections, 10000);
  assert.equal(o.duration, 2);
  assert.equal(o.verbosity, 3);
  assert.equal(o.content[0].unescape, true);
  assert.equal(text(o.content[0].bytes), "a\\nb");
});

Deno.test("-e applies only to content options after it", () => {
  const o = run("-m", "before", "-e", "-m", "after", "h:1");
  assert.deepEqual(o.content.map((c) => c.unescape), [false, true]);
});

Deno.test("content keeps command-line order and kind", () => {
  const o = run("-1", "X", "-m", "A", "-1", "Y", "-m", "BB", "h:1");
  assert.deepEqual(o.content.map((c) => `${c.kind}:${text(c.bytes)}`), [
    "first:X",
    "message:A",
    "first:Y",
    "message:BB",
  ]);
});

Deno.test("long options abbreviate to a unique prefix", () => {
  assert.equal(run("--dur", "1", "-l", "5").duration, 1);
  const error = refusal("--conn", "1");
  assert.match(error.lines[0], /option '--conn' is ambiguous; possibilities: '--connections'/);
  assert.equal(error.exitCode, 64);
});

Deno.test("bad numbers name the option, first bad option wins", () => {
  assert.deepEqual(refusal("-c", "5x").lines, [
    'Unknown prefix "x" in 5x',
    "Expecting --connections > 0",
  ]);
  assert.deepEqual(refusal("-c", "-5", "-T", "0").lines, ["Expecting --connections > 0"]);
  assert.deepEqual(refusal("--connect-rate", "0").lines, ["Expected positive --connect-rate=0"]);
  assert.deepEqual(refusal("-r", "0").lines, ["Expecting --message-rate > 0"]);
  assert.deepEqual(refusal("--channel-bandwidth-upstream", "10xbps").lines, [
    'Unknown prefix "xbps" in 10xbps',
    "Expecting --channel-bandwidth-upstream > 0",
  ]);
});

Deno.test("kali refuses -T values tcpkali silently ran forever with", () => {
  assert.deepEqual(refusal("-T", "1q").lines, [
    'Unknown prefix "q" in 1q',
    "Expected positive --duration=1q",
  ]);
  assert.deepEqual(refusal("-T", "abc").lines, ["Expected positive --duration=abc"]);
  assert.deepEqual(refusal("-T", "0").lines, ["Expected positive --duration=0"]);
  assert.equal(run("-T", "-1", "-l", "5").duration, null);
});

Deno.test("workers are bounded by the CPU count", () => {
  const cpus = navigator.hardwareConcurrency;
  assert.deepEqual(refusal("-w", String(cpus + 1)).lines, [
    `Value --workers=${cpus + 1} is unreasonably large, only ${cpus} CPU${
      cpus === 1 ? "" : "s"
    } detected`,
  ]);
  assert.deepEqual(refusal("-w", "0").lines, ["Expected --workers > 1"]);
  assert.deepEqual(refusal("-ws").lines, [
    "Expected -w <N> (--workers) or --ws (--websocket), but not -ws.",
  ]);
});

Deno.test("listen port and mode", () => {
  assert.deepEqual(run("-l", "127.0.0.1:8080").listenPort, { host: "127.0.0.1", port: 8080 });
  assert.deepEqual(refusal("-l", "65535").lines, ["--listen-port=65535 is not in [1..65535]"]);
  assert.equal(run("--listen-mode=silent", "-l", "5").listenMode, "silent");
  assert.equal(run("--listen-mode=active", "-l", "5").listenMode, "active");
  assert.deepEqual(refusal("--listen-mode=loud").lines, [
    "--listen-mode=loud is not one of {silent|active|echo}",
  ]);
});

Deno.test("-r and --channel-bandwidth-upstream share one setting: the later wins", () => {
  assert.deepEqual(run("-r", "5", "--channel-bandwidth-upstream", "1kBps", "h:1").upstream, {
    kind: "bytes",
    perSecond: 1000,
  });
  assert.deepEqual(run("--channel-bandwidth-upstream", "1kBps", "-r", "5", "h:1").upstream, {
    kind: "messages",
    perSecond: 5,
  });
});

Deno.test("unknown options print getopt's words and the long help", () => {
  const error = refusal("--bogus");
  assert.deepEqual(error.lines, ["kali: unrecognized option '--bogus'", "--bogus: unknown option"]);
  assert.match(error.stdout, /^Usage: kali \[OPTIONS\]/);
  assert.deepEqual(refusal("-x").lines, ["kali: invalid option -- 'x'", "-x: unknown option"]);
  assert.deepEqual(refusal("-c").lines, [
    "kali: option requires an argument -- 'c'",
    "-c: unknown option",
  ]);
});

Deno.test("help and version exit like tcpkali", () => {
  const help = parseArgs(["--help"]);
  assert.equal(help.kind, "exit");
  if (help.kind === "exit") {
    assert.equal(help.exitCode, 64);
    assert.match(help.stdout, new RegExp(`-w, --workers <N=${navigator.hardwareConcurrency}>`));
  }
  const version = parseArgs(["--version"]);
  assert.ok(
    version.kind === "exit" && version.exitCode === 0 && /^kali version /.test(version.stdout),
  );
});

Deno.test("unreadable message files exit 65 with the file's name", () => {
  const error = refusal("-f", "/nonexistent/file");
  assert.deepEqual(error.lines, ["/nonexistent/file: No such file or directory"]);
  assert.equal(error.exitCode, 65);
});

Deno.test("-H checks: empty and odd first byte warn, newline and size are fatal", () => {
  const o = run("--ws", "-H", "", "-H", " X: y", "-l", "1");
  assert.deepEqual(o.notices, [
    'WARNING: --header="" value is empty, ignored',
    "WARNING: --header=\" X: y\" starts with ' ', are you sure?",
  ]);
  assert.deepEqual(o.headers.map(text), [" X: y"]);

  const newline = refusal("--ws", "-e", "-H", "X: y\\nZ: w", "127.0.0.1:9");
  assert.deepEqual([newline.exitCode, newline.lines], [64, [
    `--header="X: y\\n\n\tZ: w" should not contain '\\n'`,
  ]]);

  const big = refusal("--ws", "-H", `X: ${"a".repeat(600)}`, "-H", `Y: ${"b".repeat(600)}`);
  assert.deepEqual([big.exitCode, big.lines], [64, ["--header adds too many HTTP headers"]]);
});
