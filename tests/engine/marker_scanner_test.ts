import assert from "node:assert/strict";
import { MarkerScanner } from "../../src/engine/marker_scanner.ts";
import { MarkerTimestampReader } from "../../src/engine/marker_timestamps.ts";
import { formatMarker } from "../../src/content/marker.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** Non-overlapping occurrences, counted naively. */
function naiveCount(text: string, pattern: string): number {
  let n = 0;
  for (let at = text.indexOf(pattern); at >= 0; at = text.indexOf(pattern, at + pattern.length)) {
    n++;
  }
  return n;
}

/** Feeds `text` to a scanner in pieces cut at `cuts`; returns the match count. */
function countInPieces(pattern: string, text: string, cuts: number[]): number {
  const scanner = new MarkerScanner(enc(pattern));
  const bytes = enc(text);
  let found = 0;
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    // Each piece is its own buffer, as successive reads would be.
    const piece = bytes.slice(from, cut);
    found += scanner.count(piece, 0, piece.length);
    from = cut;
  }
  return found;
}

Deno.test("a marker split at every byte position is found exactly once", () => {
  for (const marker of ["PONG", "TCPKaliMsgTS-", "X", "abcabd"]) {
    const text = `..${marker}..`;
    for (let cut = 0; cut <= text.length; cut++) {
      assert.equal(countInPieces(marker, text, [cut]), 1, `${marker} cut at ${cut}`);
    }
  }
});

Deno.test("a marker spread over many one-byte reads is found", () => {
  const text = "xxTCPKaliMsgTS-yyTCPKaliMsgTS-";
  const cuts = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
  assert.equal(countInPieces("TCPKaliMsgTS-", text, cuts), 2);
});

Deno.test("matches are non-overlapping and agree with a naive search under random cuts", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (const pattern of ["PI", "aa", "aab", "PING\r\n", "abcab"]) {
    for (let round = 0; round < 200; round++) {
      const length = 1 + Math.floor(random() * 60);
      let text = "";
      for (let i = 0; i < length; i++) text += "abPINGc\r\n"[Math.floor(random() * 9)];
      if (random() < 0.5) text += pattern;
      const cuts: number[] = [];
      for (let i = 1; i < text.length; i++) if (random() < 0.3) cuts.push(i);
      assert.equal(countInPieces(pattern, text, cuts), naiveCount(text, pattern), text);
    }
  }
});

Deno.test("next() returns the index just past each occurrence and resumes from it", () => {
  const scanner = new MarkerScanner(enc("PONG"));
  const bytes = enc("+PONG\r\n+PONG\r\n");
  assert.equal(scanner.next(bytes, 0, bytes.length), 5);
  assert.equal(scanner.next(bytes, 5, bytes.length), 12);
  assert.equal(scanner.next(bytes, 12, bytes.length), -1);
});

Deno.test("a partial occurrence at the end of a read is kept only until proven wrong", () => {
  const scanner = new MarkerScanner(enc("PONG"));
  assert.equal(scanner.count(enc("xxPON"), 0, 5), 0);
  assert.equal(scanner.count(enc("X"), 0, 1), 0);
  assert.equal(scanner.count(enc("G"), 0, 1), 0);
  assert.equal(scanner.count(enc("PO"), 0, 2), 0);
  assert.equal(scanner.count(enc("NG"), 0, 2), 1);
});

Deno.test("message-marker timestamps are read across reads, non-hex digits count as 0", () => {
  const stream = `a${formatMarker(1795427294904442)}bb${
    formatMarker(17)
  }TCPKaliMsgTS-000000000000z0ff.cTCPKaliMsgTS-00z1.`;
  const bytes = enc(stream);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const reader = new MarkerTimestampReader();
    const found: number[] = [];
    const push = (t: number, count: number) => found.push(...Array(count).fill(t));
    reader.feed(bytes.slice(0, cut), 0, cut, push);
    reader.feed(bytes.slice(cut), 0, bytes.length - cut, push);
    assert.deepEqual(found, [1795427294904442, 17, 255, 1], `cut at ${cut}`);
  }
});
