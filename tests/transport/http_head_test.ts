import assert from "node:assert/strict";
import { fieldTokens, fieldValues, HttpHeadReader } from "../../src/transport/http_head.ts";

const text = new TextEncoder();

const HEAD = "GET /x HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\n" +
  "connection: close\r\nX-Empty:\r\n\r\n";

Deno.test("a head split at every byte position parses the same, leaving trailing bytes", () => {
  const stream = text.encode(HEAD + "FRAME");
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new HttpHeadReader(1024);
    const first = reader.feed(stream, 0, cut);
    const result = first.kind === "incomplete" ? reader.feed(stream, cut) : first;
    assert.equal(result.kind, "complete", `cut at ${cut}`);
    if (result.kind !== "complete") continue;
    const consumedTotal = (first.kind === "incomplete" ? cut : 0) + result.consumed;
    assert.equal(consumedTotal, HEAD.length, `cut at ${cut}`);
    assert.equal(result.head.startLine, "GET /x HTTP/1.1");
    assert.deepEqual(fieldTokens(result.head, "connection"), ["keep-alive", "upgrade", "close"]);
    assert.deepEqual(fieldValues(result.head, "x-empty"), [""]);
  }
});

Deno.test("bare LF line ends and leading empty lines are accepted", () => {
  const reader = new HttpHeadReader(1024);
  const result = reader.feed(text.encode("\r\n\nGET / HTTP/1.1\nHost:  b \n\nrest"));
  assert.equal(result.kind, "complete");
  if (result.kind !== "complete") return;
  assert.equal(result.consumed, 3 + 15 + 10 + 1);
  assert.equal(result.head.startLine, "GET / HTTP/1.1");
  assert.deepEqual(result.head.fields, [{ name: "host", value: "b" }]);
});

Deno.test("heads over the limit are malformed and tooLarge, even when split", () => {
  const head = text.encode(`GET / HTTP/1.1\r\nX: ${"y".repeat(100)}\r\n\r\n`);
  assert.equal(new HttpHeadReader(head.length).feed(head).kind, "complete");
  for (const cut of [0, 10, 60, head.length - 1]) {
    const reader = new HttpHeadReader(head.length - 1);
    const first = reader.feed(head, 0, cut);
    const result = first.kind === "incomplete" ? reader.feed(head, cut) : first;
    assert.deepEqual(result, {
      kind: "malformed",
      reason: "header block too large",
      tooLarge: true,
    });
  }
});

Deno.test("header lines without a name, with a bad name, or folded are malformed", () => {
  for (const bad of ["no colon", ": v", "Bad Name: v", " folded"]) {
    const result = new HttpHeadReader(1024).feed(text.encode(`GET / HTTP/1.1\r\n${bad}\r\n\r\n`));
    assert.equal(result.kind, "malformed", bad);
  }
});
