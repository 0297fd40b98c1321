import assert from "node:assert/strict";
import { EXIT } from "../../src/errors.ts";
import { formatMarker, MARKER_BYTES } from "../../src/content/marker.ts";
import { escapeBytes } from "../../src/content/printable.ts";
import {
  averageMessageSize,
  compileConnectionLiteral,
  compileContent,
  compileLiteral,
  connectionLiteralFor,
  contentFactory,
  hasMessages,
  MIN_BLOCK_BYTES,
  minMessageSize,
  usesMessageMarker,
} from "../../src/content/template.ts";
import { Random } from "../../src/content/random.ts";
import { arg, compileMessage, latin1, sourceFor, usageErrorOf } from "../_helpers/content.ts";

Deno.test("4.1 order: first messages, then one composite message", () => {
  const content = compileContent([arg("X", "first"), arg("Y", "first"), arg("A"), arg("BB")]);
  const source = contentFactory(content, "client").forConnection(1);
  assert.equal(latin1(source.first), "XY");
  assert.equal(source.messageSize, 3);
  assert.equal(latin1(source.block.subarray(0, 6)), "ABBABB");
  assert.ok(hasMessages(content));
  assert.ok(content.segments.some((s) => s.kind === "first"));
  assert.ok(!hasMessages(compileContent([arg("X", "first")])));
  assert.ok(hasMessages(compileContent([arg("")])), "-m '' counts as a message");
});

Deno.test("4.6 constant content: one shared block replicated to >= 65535 bytes", () => {
  const factory = contentFactory(compileMessage("hello"), "client");
  assert.equal(factory.needsUid, false);
  const a = factory.forConnection(1);
  assert.equal(a, factory.forConnection(2), "shared, no per-connection work");
  assert.equal(a.block.length, 65535);
  assert.equal(a.stamp, undefined);
  assert.equal(latin1(a.block.subarray(65530)), "hello");
  const abc = contentFactory(compileMessage("abc"), "client").forConnection(0).block;
  assert.equal(abc.length, 3 * Math.ceil(MIN_BLOCK_BYTES / 3));
  const none = contentFactory(compileContent([arg("F", "first")]), "client").forConnection(0);
  assert.equal(none.block.length, 0);
  assert.equal(none.messageSize, 0);
});

Deno.test("per-connection content: uid modulo (row 28), rendered once and replicated", () => {
  const factory = contentFactory(compileMessage("PFX-\\{connection.uid%10}"), "client");
  assert.equal(factory.needsUid, true);
  const messages = [1, 2, 3, 11].map((uid) => factory.forConnection(uid));
  assert.deepEqual(messages.map((s) => latin1(s.block.subarray(0, 5))), [
    "PFX-1",
    "PFX-2",
    "PFX-3",
    "PFX-1",
  ]);
  for (const s of messages) {
    assert.equal(s.messageSize, 5);
    assert.ok(s.block.length >= 65535 && s.block.length % 5 === 0);
    assert.equal(latin1(s.block.subarray(s.block.length - 5)), latin1(s.block.subarray(0, 5)));
  }
});

Deno.test("scopes (row 29): re per message, connection.re per connection, global.re everywhere", () => {
  const content = compileMessage(
    "\\{re [a-z]{3}}|\\{connection.re [0-9]{4}}|\\{global.re [A-Z]{4}}",
  );
  const factory = contentFactory(content, "client", { minBlockBytes: 1 });
  assert.equal(factory.needsUid, true);
  const parse = (block: Uint8Array) => latin1(block).split("|");
  const globals = new Set<string>();
  for (const uid of [1, 2, 3]) {
    const source = factory.forConnection(uid);
    const perMessage = new Set<string>();
    const perConnection = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const [re, conn, glob] = parse(source.block);
      assert.match(re, /^[a-z]{3}$/);
      assert.match(conn, /^[0-9]{4}$/);
      assert.match(glob, /^[A-Z]{4}$/);
      perMessage.add(re);
      perConnection.add(conn);
      globals.add(glob);
      source.refill();
    }
    assert.ok(perMessage.size > 20, "re differs per message");
    assert.equal(perConnection.size, 1, "connection.re fixed for the connection");
  }
  assert.equal(globals.size, 1, "global.re drawn once");
});

Deno.test("per-message content: refill re-renders the block in place, >= min size", () => {
  const source = contentFactory(compileMessage("\\{re [a-z]{2,6}}."), "client", { seed: 3 })
    .forConnection(1);
  const before = source.block;
  assert.ok(before.length >= MIN_BLOCK_BYTES && before.length < MIN_BLOCK_BYTES + 7);
  const copy = before.slice(0, 100);
  source.refill();
  assert.equal(source.block.buffer, before.buffer, "same backing buffer");
  assert.notDeepEqual(source.block.slice(0, 100), copy);
  assert.match(latin1(source.block), /^([a-z]{2,6}\.)+$/);
  assert.equal(source.messageSize, 5);
});

Deno.test("zero-length draws do not hang refill", () => {
  const source = sourceFor(compileMessage("\\{re a?}"), 1, "client", { minBlockBytes: 100 });
  assert.match(latin1(source.block), /^a*$/);
  const empty = sourceFor(compileMessage("\\{re a{0}}"));
  assert.equal(empty.block.length, 0);
});

Deno.test("4.5 marker format and stamp", () => {
  assert.equal(formatMarker(1795427294904442), "TCPKaliMsgTS-000660ee7e22007a.");
  assert.equal(formatMarker(0).length, MARKER_BYTES);
  const content = compileMessage("PING\\{message.marker}");
  assert.ok(usesMessageMarker(content));
  const source = contentFactory(content, "client").forConnection(1);
  assert.equal(source.messageSize, 34);
  assert.equal(latin1(source.block.subarray(0, 34)), "PINGTCPKaliMsgTS-0000000000000000.");
  assert.ok(source.stamp);
  source.stamp(source.block, 0, 68, 1795427294904442);
  assert.equal(
    latin1(source.block.subarray(0, 68)),
    "PINGTCPKaliMsgTS-000660ee7e22007a.".repeat(2),
  );
  assert.equal(latin1(source.block.subarray(68, 102)), "PINGTCPKaliMsgTS-0000000000000000.");
  // Markers are stamped whole when their start is in [from, to).
  source.stamp(source.block, 69, 72, 0xabcdef);
  assert.equal(latin1(source.block.subarray(68, 102)), "PINGTCPKaliMsgTS-0000000000000000.");
  source.stamp(source.block, 71, 73, 0xabcdef);
  assert.equal(latin1(source.block.subarray(68, 102)), "PINGTCPKaliMsgTS-0000000000abcdef.");
  const other = contentFactory(content, "client").forConnection(2);
  assert.notEqual(other.block, source.block, "marker blocks are per connection");
  assert.ok(!usesMessageMarker(compileMessage("PING")));
});

Deno.test("markers in first messages and in re content are stamped too", () => {
  const content = compileContent([
    arg("F\\{message.marker}", "first"),
    arg("\\{re [ab]}\\{message.marker}"),
  ]);
  const source = contentFactory(content, "client", { minBlockBytes: 1 }).forConnection(1);
  source.stamp!(source.first, 0, source.first.length, 1);
  assert.equal(latin1(source.first), "FTCPKaliMsgTS-0000000000000001.");
  source.stamp!(source.block, 0, source.block.length, 2);
  assert.match(latin1(source.block), /^[ab]TCPKaliMsgTS-0000000000000002\.$/);
  source.refill();
  source.stamp!(source.block, 0, source.block.length, 3);
  assert.match(latin1(source.block), /^[ab]TCPKaliMsgTS-0000000000000003\.$/);
});

const WS_SAMPLE =
  '\\{ws.text "hi"}\\{ws.binary "bin"}\\{ws.ping "p"}\\{ws.pong}\\{ws.close "\\x03\\xe8"}' +
  '\\{ws.cont "c"}\\{ws.continuation}\\{ws.text "a" ...}\\{ws.text rsv1 rsv3}\\{raw "RAW"}plain';

Deno.test("7.3 composite frame sample, --ws client", () => {
  const file = Deno.makeTempFileSync();
  Deno.writeTextFileSync(file, "FILEDATA");
  try {
    const content = compileMessage(`${WS_SAMPLE}\\{<${file}>}\\{ws.binary <${file}> "+x"}`);
    const source = sourceFor(content, 1, "client", { websocket: true });
    assert.equal(
      escapeBytes(source.block),
      "\\x81\\x82\\x00\\x00\\x00\\x00hi\\x82\\x83\\x00\\x00\\x00\\x00bin\\x89\\x81\\x00\\x00\\x00\\x00p" +
        "\\x8a\\x80\\x00\\x00\\x00\\x00\\x88\\x82\\x00\\x00\\x00\\x00\\x03\\xe8\\x80\\x81\\x00\\x00\\x00\\x00c" +
        "\\x80\\x80\\x00\\x00\\x00\\x00\\x01\\x81\\x00\\x00\\x00\\x00a\\xd1\\x80\\x00\\x00\\x00\\x00RAW" +
        "\\x81\\x8d\\x00\\x00\\x00\\x00plainFILEDATA\\x82\\x8a\\x00\\x00\\x00\\x00FILEDATA+x",
    );
    assert.equal(
      averageMessageSize(content, { websocket: true }),
      source.messageSize,
      "the real size (tcpkali estimated it without frame headers)",
    );
  } finally {
    Deno.removeSync(file);
  }
});

Deno.test("7.3 simple cases: -1 FIRST / -m ABC in --ws mode, both sides", () => {
  const content = compileContent([arg("FIRST", "first"), arg("ABC")]);
  const client = sourceFor(content, 1, "client", { websocket: true });
  assert.equal(escapeBytes(client.first), "\\x81\\x85\\x00\\x00\\x00\\x00FIRST");
  assert.equal(escapeBytes(client.block), "\\x81\\x83\\x00\\x00\\x00\\x00ABC");
  const server = sourceFor(content, 1, "server", { websocket: true });
  assert.equal(escapeBytes(server.first), "\\x81\\x05FIRST");
  assert.equal(escapeBytes(server.block), "\\x81\\x03ABC");
  const two = sourceFor(compileContent([arg("A"), arg("B")]), 1, "server", { websocket: true });
  assert.equal(escapeBytes(two.block), "\\x81\\x01A\\x81\\x01B", "one frame per argument");
  assert.equal(sourceFor(compileMessage(""), 1, "client", { websocket: true }).block.length, 0);
});

Deno.test("7.3 last bullet: without --ws, frames still framed, text unframed", () => {
  const content = compileMessage('A\\{ws.binary "bin"}B');
  assert.equal(
    escapeBytes(sourceFor(content, 1, "client").block),
    "A\\x82\\x83\\x00\\x00\\x00\\x00binB",
  );
  assert.equal(escapeBytes(sourceFor(content, 1, "server").block), "A\\x82\\x03binB");
  assert.equal(averageMessageSize(content), 11);
  assert.equal(averageMessageSize(compileMessage('A\\{ws.binary "bin"}B\\{raw "R"}')), 12);
});

Deno.test("--ws text frames around per-connection and per-message content", () => {
  const uid = sourceFor(compileMessage("id=\\{connection.uid}"), 42, "server", { websocket: true });
  assert.equal(escapeBytes(uid.block), "\\x81\\x05id=42");
  const long = sourceFor(compileMessage("\\{re [a]{200}}"), 1, "client", { websocket: true });
  assert.equal(escapeBytes(long.block.subarray(0, 8)), "\\x81\\xfe\\x00\\xc8\\x00\\x00\\x00\\x00");
  assert.equal(long.block.length, 208);
  const serverLong = sourceFor(compileMessage("\\{re [a]{200}}"), 1, "server", { websocket: true });
  assert.equal(escapeBytes(serverLong.block.subarray(0, 4)), "\\x81~\\x00\\xc8");
  const marked = sourceFor(compileMessage("X\\{re [b]}\\{message.marker}"), 1, "client", {
    websocket: true,
  });
  marked.stamp!(marked.block, 0, marked.block.length, 0x10);
  assert.equal(
    escapeBytes(marked.block),
    "\\x81\\xa0\\x00\\x00\\x00\\x00XbTCPKaliMsgTS-0000000000000010.",
  );
});

Deno.test("size helpers", () => {
  assert.equal(minMessageSize(compileMessage("")), 0);
  assert.equal(minMessageSize(compileMessage("\\{re a?}")), 0);
  assert.equal(minMessageSize(compileMessage("x\\{re a?}")), 1);
  assert.equal(averageMessageSize(compileContent([arg("A"), arg("BB")])), 3);
  assert.equal(averageMessageSize(compileMessage("\\{message.marker}")), 30);
  assert.equal(averageMessageSize(compileMessage("ABC"), { websocket: true }), 9);
  assert.equal(averageMessageSize(compileMessage("ABC"), { websocket: true, side: "server" }), 5);
});

Deno.test("CompiledContent survives structuredClone", () => {
  const content = compileContent([
    arg('\\{connection.uid}-\\{re [a-z]+}-\\{ws.ping "p"}-\\{message.marker}', "message"),
    arg("first\\{connection.re (a|b){3}}", "first"),
  ], { seed: 1 });
  const cloned = structuredClone(content);
  const a = contentFactory(content, "client", { seed: 9, minBlockBytes: 1 }).forConnection(5);
  const b = contentFactory(cloned, "client", { seed: 9, minBlockBytes: 1 }).forConnection(5);
  assert.deepEqual(b.first, a.first);
  assert.deepEqual(b.block, a.block);
});

Deno.test("compileLiteral: -e unescapes the whole string; non-trivial rejected", () => {
  const opts = { unescape: false, origin: "--message-stop" };
  assert.equal(latin1(compileLiteral("STOP", opts)), "STOP");
  assert.equal(latin1(compileLiteral("a\\nb", { ...opts, unescape: true })), "a\nb");
  assert.equal(latin1(compileLiteral('a\\{raw "Q"}b', opts)), "aQb");
  const trivial = usageErrorOf(() => compileLiteral("\\{connection.uid}", opts));
  assert.deepEqual(trivial.lines, ["--message-stop: Non-trivial expressions are not supported"]);
  assert.equal(trivial.exitCode, EXIT.usage);
  const bad = usageErrorOf(() => compileLiteral("\\{bad", opts));
  assert.deepEqual(bad.lines, [
    "Unexpected token in message expression: bad",
    'Parse error near token "bad": syntax error, unexpected end of expression',
    "--message-stop: Failed to parse expression",
  ]);
  assert.equal(bad.exitCode, EXIT.usage);
});

Deno.test("compileConnectionLiteral: connection.* bound per connection, as its messages", () => {
  const opts = { unescape: false, origin: "--latency-marker" };
  const random = new Random(3);
  const constant = compileConnectionLiteral("PONG", opts);
  assert.equal(constant.perConnection, false);
  assert.equal(latin1(connectionLiteralFor(constant, 7, 0, random)), "PONG");
  const marker = compileConnectionLiteral("R\\{connection.uid}:\\{connection.ptr}", opts);
  assert.equal(marker.perConnection, true);
  // The same uid and ptr that connection 7's messages carry.
  const content = compileMessage("\\{connection.uid}:\\{connection.ptr}");
  const message = latin1(sourceFor(content, 7).block);
  const bound = latin1(connectionLiteralFor(marker, 7, content.pointerBase, random));
  assert.equal(bound, `R${message}`);
  assert.match(bound, /^R7:0x[0-9a-f]+$/);
  assert.notEqual(latin1(connectionLiteralFor(marker, 8, content.pointerBase, random)), bound);
  for (const perMessage of ["\\{re [a-z]}", "\\{message.marker}", '\\{ws.text "x"}']) {
    const error = usageErrorOf(() => compileConnectionLiteral(`X${perMessage}`, opts));
    assert.deepEqual(error.lines, ["--latency-marker: Non-trivial expressions are not supported"]);
  }
});
