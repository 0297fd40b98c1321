import assert from "node:assert/strict";
import { runKali } from "../../_helpers/kali.ts";

/** Runs kali and returns [exit code, stderr lines]. */
async function kali(...args: string[]): Promise<[number, string[]]> {
  const run = await runKali(args, { timeoutMs: 20000 });
  return [run.code, run.stderr.split("\n").filter((l) => l !== "")];
}

Deno.test("latency option errors print tcpkali's messages and exit 64", async () => {
  const cases: [string[], string[]][] = [
    [["--latency-marker", ""], ["--latency-marker: Non-empty marker expected"]],
    [["-e", "--latency-marker", ""], ["--latency-marker: Non-empty marker expected"]],
    [["--latency-marker", "\\{bad"], [
      "Unexpected token in message expression: bad",
      'Parse error near token "bad": syntax error, unexpected end of expression',
      "--latency-marker: Failed to parse expression",
    ]],
    [["--message-marker", "--latency-marker", "X"], [
      "--latency-marker: --message-marker is already specified, use one or the other",
    ]],
    [["--latency-marker", "X", "--message-marker"], [
      "--message-marker: --latency-marker is already specified, use one or the other",
    ]],
    [["--latency-marker-skip", "-1"], [
      "--latency-marker-skip: Failed to parse or out of range expression",
    ]],
    [["--latency-marker-skip", "abc"], [
      "--latency-marker-skip: Failed to parse or out of range expression",
    ]],
    [["--latency-percentiles", "101"], [
      "--latency-percentiles: 101: Failed to parse: bad latency percentile specification, expected range is [0..100]",
    ]],
    [["--latency-percentiles", "50:90"], [
      "--latency-percentiles: 50:90: Failed to parse: invalid separator, use ',' or '/'",
    ]],
    [["-r", "@0"], ["Expecting --message-rate @<Latency>"]],
    [["-r", "@abc"], ["Expecting --message-rate @<Latency>"]],
  ];
  for (const [args, expected] of cases) {
    const [code, stderr] = await kali(...args, "127.0.0.1:1");
    assert.equal(code, 64, args.join(" "));
    assert.deepEqual(stderr, expected, args.join(" "));
  }
});

Deno.test("latency cross checks run after the destinations are printed", async () => {
  const cases: [string[], string][] = [
    [
      ["--latency-marker", "X", "127.0.0.1:1"],
      "--latency-marker is given, but no messages are supposed to be sent. Specify --message?",
    ],
    [
      ["-m", "X", "--latency-marker", "X", "-l", "1"],
      "--latency-marker is given, but no connections are supposed to be initiated. Specify <host:port>?",
    ],
    [
      ["-r", "@5ms", "-m", "x", "127.0.0.1:1"],
      "--message-rate @<Latency> requires specifying --latency-marker or --message-marker as well.",
    ],
  ];
  for (const [args, expected] of cases) {
    const [code, stderr] = await kali(...args);
    assert.equal(code, 64, args.join(" "));
    assert.equal(stderr.at(-1), expected);
  }
});

Deno.test("-r @ warnings: unit-less targets over 1 s, and overrides in both orders", async () => {
  let [, stderr] = await kali("-r", "@2", "127.0.0.1:1");
  assert.deepEqual(stderr.slice(0, 2), [
    "WARNING: --message-rate @2: target latency is greater than one second, which is probably not what you want",
    "WARNING: Suggesting using --message-rate @2ms",
  ]);
  [, stderr] = await kali("-r", "5", "-r", "@2ms", "127.0.0.1:1");
  assert.equal(
    stderr[0],
    "WARNING: --message-rate @2ms overrides previous fixed --message-rate specification.",
  );
  [, stderr] = await kali("-r", "@2ms", "-r", "5", "127.0.0.1:1");
  assert.equal(
    stderr[0],
    "WARNING: --message-rate 5 overrides previous dynamic --message-rate specification.",
  );
});
