/**
 * The latency options' refusals and warnings, in tcpkali's words: per
 * option while parsing, and the cross checks after the destinations are
 * printed.
 */
import assert from "node:assert/strict";
import { parseRefusal, planRefusal } from "../_helpers/cli.ts";

Deno.test("latency option errors print tcpkali's messages and exit 64", () => {
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
    const error = parseRefusal(...args, "127.0.0.1:1");
    assert.deepEqual([error.exitCode, error.lines], [64, expected], args.join(" "));
  }
});

Deno.test("latency cross checks run after the destinations are printed", async () => {
  const cases: [string[], string[], string][] = [
    [
      ["--latency-marker", "X", "127.0.0.1:1"],
      ["Destination: [127.0.0.1]:1"],
      "--latency-marker is given, but no messages are supposed to be sent. Specify --message?",
    ],
    [
      ["-m", "X", "--latency-marker", "X", "-l", "1"],
      ["Listen on: [0.0.0.0]:1", "Listen on: [::]:1"],
      "--latency-marker is given, but no connections are supposed to be initiated. Specify <host:port>?",
    ],
    [
      ["-r", "@5ms", "-m", "x", "127.0.0.1:1"],
      ["Destination: [127.0.0.1]:1"],
      "--message-rate @<Latency> requires specifying --latency-marker or --message-marker as well.",
    ],
  ];
  for (const [args, before, expected] of cases) {
    const { error, said } = await planRefusal(...args);
    assert.deepEqual([error.exitCode, error.lines], [64, [expected]], args.join(" "));
    assert.deepEqual(said, before, args.join(" "));
  }
});

Deno.test("-r @ warnings: unit-less targets over 1 s, and overrides in both orders", async () => {
  let { said } = await planRefusal("-r", "@2", "127.0.0.1:1");
  assert.deepEqual(said.slice(0, 2), [
    "WARNING: --message-rate @2: target latency is greater than one second, which is probably not what you want",
    "WARNING: Suggesting using --message-rate @2ms",
  ]);
  ({ said } = await planRefusal("-r", "5", "-r", "@2ms", "127.0.0.1:1"));
  assert.equal(
    said[0],
    "WARNING: --message-rate @2ms overrides previous fixed --message-rate specification.",
  );
  ({ said } = await planRefusal("-r", "@2ms", "-r", "5", "127.0.0.1:1"));
  assert.equal(
    said[0],
    "WARNING: --message-rate 5 overrides previous dynamic --message-rate specification.",
  );
});
