import assert from "node:assert/strict";
import { formatMarker } from "../../src/content/marker.ts";
import { MarkerTimestampReader } from "../../src/engine/marker_timestamps.ts";

const PREFIX = "TCPKaliMsgTS-";
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A small deterministic generator (the test must be reproducible). */
function lcg(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
}

/**
 * tcpkali's reading, written plainly over the whole stream: each
 * non-overlapping `TCPKaliMsgTS-`, then characters up to a `.` (a non-hex
 * character counts as 0); with no `.` among the next 33, no marker.
 */
function naiveStamps(stream: string): number[] {
  const stamps: number[] = [];
  for (let at = stream.indexOf(PREFIX); at >= 0; at = stream.indexOf(PREFIX, at)) {
    at += PREFIX.length;
    let value = 0;
    for (let digits = 0; at < stream.length; digits++) {
      const c = stream[at++];
      if (c === ".") {
        stamps.push(value);
        break;
      }
      if (digits === 32) break; // not a marker after all
      const hex = parseInt(c, 16);
      value = value * 16 + (Number.isNaN(hex) ? 0 : hex);
    }
  }
  return stamps;
}

/**
 * Feeds `stream` in pieces cut at `cuts`, each copied (as a read would be)
 * to `offset` in a reused buffer that is itself a view at an odd position
 * of a larger one; returns the stamps, one per marker, and checks the counts.
 */
function readStamps(stream: Uint8Array, cuts: number[], offset = 0): number[] {
  const reader = new MarkerTimestampReader();
  const memory = new Uint8Array(stream.length + offset + 16);
  const buffer = memory.subarray(3);
  const stamps: number[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    buffer.set(stream.subarray(from, cut), offset);
    const before = stamps.length;
    const count = reader.feed(buffer, offset, offset + cut - from, (stamp, markers) => {
      assert.ok(markers >= 1, "a run holds at least one marker");
      for (let i = 0; i < markers; i++) stamps.push(stamp);
    });
    assert.equal(count, stamps.length - before, "feed() returns the markers it reported");
    from = cut;
  }
  return stamps;
}

/** Runs of identical messages (`filler` + marker), as writes of one stamp each produce. */
function writesOf(filler: string, writes: number, next: (n: number) => number): string {
  let stream = "";
  let time = 1795427294904442;
  for (let w = 0; w < writes; w++) {
    time += 1 + next(5000);
    stream += `${filler}${formatMarker(time)}`.repeat(1 + next(150));
  }
  return stream;
}

Deno.test("runs of identical markers read as one stamp per marker, cut anywhere", () => {
  const stream = latin1(writesOf("", 3, lcg(1)).slice(0, 2000));
  const expected = naiveStamps(new TextDecoder("latin1").decode(stream));
  assert.ok(expected.length > 60);
  for (let cut = 0; cut <= stream.length; cut++) {
    assert.deepEqual(readStamps(stream, [cut], cut % 5), expected, `cut at ${cut}`);
  }
});

Deno.test("a wrong byte anywhere inside a run of repeated markers is seen", () => {
  const filler = "PING";
  const message = `${filler}${formatMarker(1795427294904442)}`;
  const clean = message.repeat(40);
  const digitsAt = filler.length + PREFIX.length;
  for (let at = 0; at < message.length; at++) {
    // Damage the 21st message at `at`: the filler, the prefix, a digit (another hex digit) or the dot.
    const position = 20 * message.length + at;
    const digit = at >= digitsAt && at < digitsAt + 16;
    const byte = digit ? (clean[position] === "f" ? "e" : "f") : "z";
    const damaged = clean.slice(0, position) + byte + clean.slice(position + 1);
    const expected = naiveStamps(damaged);
    if (at >= filler.length) {
      assert.notDeepEqual(expected, naiveStamps(clean), `damage at ${at} changes the reading`);
    }
    assert.deepEqual(readStamps(latin1(damaged), []), expected, `damage at ${at}`);
  }
});

Deno.test("marker streams agree with a plain reading under random content and read sizes", () => {
  const next = lcg(11);
  const fillers = [
    "",
    "PING",
    "x".repeat(70),
    "y".repeat(500),
    "\0".repeat(12), // zero bytes: words that do not compare bit for bit as doubles
    "\xff".repeat(9), // NaN words
    "TCPKali", // a partial prefix before each marker
    "z".repeat(5000), // longer than any stretch compared for repeats
  ];
  for (let round = 0; round < 60; round++) {
    const filler = fillers[round % fillers.length];
    let text = writesOf(filler, 1 + next(6), next);
    // Some damage: bytes replaced at random (digits, dots, prefixes, filler).
    for (let d = next(4); d > 0; d--) {
      const at = next(text.length);
      text = text.slice(0, at) + "0.gT-"[next(5)] + text.slice(at + 1);
    }
    const cuts: number[] = [];
    for (let at = next(3000); at < text.length; at += 1 + next(next(2) ? 40 : 70000)) cuts.push(at);
    const expected = naiveStamps(text);
    assert.deepEqual(readStamps(latin1(text), cuts, next(8)), expected, `round ${round}`);
  }
});

Deno.test("a marker begun in the previous read does not make the rest of its read repeat", () => {
  // The second read repeats what follows the prefix's first bytes, which is no marker.
  const tail = `liMsgTS-${formatMarker(77).slice(PREFIX.length)}`;
  const stream = latin1(`xxTCPKa${tail.repeat(5)}`);
  assert.deepEqual(naiveStamps(new TextDecoder("latin1").decode(stream)), [77]);
  assert.deepEqual(readStamps(stream, [7]), [77]);
});
