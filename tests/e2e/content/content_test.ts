import assert from "node:assert/strict";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { RecordingSink } from "../../_helpers/peers.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("each connection carries its own uid; % takes the remainder", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali(
      ["-T1", "-c3", "-w1", "-r3", "-m", "PFX-\\{connection.uid%10}|", `127.0.0.1:${sink.port}`],
    );
    assert.equal(run.code, 0, run.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const perConnection = sink.connections.map((_, i) => decode(sink.bytesOf(i)));
    assert.equal(perConnection.length, 3);
    const uids = perConnection.map((text) => {
      const messages = text.split("|").filter(Boolean);
      assert.ok(messages.length >= 2, text);
      assert.equal(new Set(messages).size, 1, `one uid per connection: ${text}`);
      return messages[0];
    });
    assert.deepEqual(uids.sort(), ["PFX-1", "PFX-2", "PFX-3"]);
  } finally {
    sink.close();
  }
});

Deno.test("message markers carry the send time in microseconds", async () => {
  const sink = new RecordingSink();
  try {
    const before = Date.now() * 1000;
    const run = await runKali([
      "-T1",
      "-r5",
      "-m",
      "P\\{message.marker}",
      `127.0.0.1:${sink.port}`,
    ]);
    const after = Date.now() * 1000;
    assert.equal(run.code, 0, run.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = decode(sink.bytesOf(0));
    const markers = [...text.matchAll(/PTCPKaliMsgTS-([0-9a-f]{16})\./g)];
    assert.ok(markers.length >= 4, text);
    assert.equal(markers.length * 31, text.length, "nothing but whole messages");
    const times = markers.map((m) => parseInt(m[1], 16));
    for (const t of times) assert.ok(t >= before && t <= after, `marker ${t} outside the run`);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] > times[i - 1], "marker times increase");
    }
  } finally {
    sink.close();
  }
});

Deno.test("-e unescapes literal text; quoted strings in expressions always", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali(
      [
        "-T1",
        "-1",
        "a\\x41",
        "-e",
        "-1",
        "b\\x42\\n",
        "-1",
        '\\{raw "\\x43"}',
        `127.0.0.1:${sink.port}`,
      ],
    );
    assert.equal(run.code, 0, run.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(decode(sink.bytesOf(0)), "a\\x41bB\nC");
  } finally {
    sink.close();
  }
});

Deno.test("a bad expression stops the run before any traffic, exit 1", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali(["-T1", "-m", "\\{foo}", `127.0.0.1:${sink.port}`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Unexpected token in message expression: foo$/m);
    assert.equal(sink.connections.length, 0);
  } finally {
    sink.close();
  }
});

Deno.test("the dump shows the rendered per-connection content", async () => {
  const port = freePort();
  const run = await runKali(
    [
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-T1",
      "-r3",
      "-m",
      "PFX-\\{connection.uid%10}",
      "-d",
    ],
  );
  assert.equal(run.code, 0, run.stderr);
  const sent = run.stderr.split("\n").filter((line) => line.startsWith("Snd("));
  assert.ok(sent.length >= 2, run.stderr);
  for (const line of sent) assert.match(line, /^Snd\(\d+, 5\): \[PFX-1\]$/);
});

Deno.test("an endless content file is refused in one line before any traffic", async () => {
  const sink = new RecordingSink();
  try {
    for (const args of [["-f", "/dev/zero"], ["-m", "\\{ws.binary </dev/zero>}", "--ws"]]) {
      const run = await runKali([...args, "-T1", `127.0.0.1:${sink.port}`], { timeoutMs: 20000 });
      assert.notEqual(run.code, 0);
      const errors = run.stderr.trim().split("\n").filter((line) =>
        !line.startsWith("Destination:")
      );
      assert.equal(errors.length, 1, run.stderr);
      assert.match(errors[0], /\/dev\/zero.*larger than 64 MiB/);
      assert.equal(run.stdout, "");
    }
    assert.equal(sink.connections.length, 0);
  } finally {
    await sink.close();
  }
});

Deno.test("a -m argument that is not UTF-8 goes out byte for byte; U+FFFD is refused", async () => {
  const sink = new RecordingSink();
  try {
    // Deno.Command takes strings, so the invalid byte is made by the shell.
    const main = new URL("../../../main.ts", import.meta.url).pathname;
    const shell = `exec "$0" run -A "$1" -m "$(printf 'a\\377b')" -r 2 -T 1 "$2"`;
    const run = await new Deno.Command("sh", {
      args: ["-c", shell, Deno.execPath(), main, `127.0.0.1:${sink.port}`],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual([...sink.bytesOf(0).subarray(0, 3)], [0x61, 0xff, 0x62]);
    const refused = await runKali(["-m", "a\uFFFDb", `127.0.0.1:${sink.port}`, "-T1"]);
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /^--message: .*not UTF-8.*-e.*-f$/m);
  } finally {
    await sink.close();
  }
});

Deno.test("producing per-message content never holds back connecting", async () => {
  // A sender whose writes complete at once (a local peer) and whose content
  // is drawn per message must still let its worker finish the ramp-up.
  for (const message of ["\\{re [a-z]+}", "\\{message.marker}"]) {
    const port = freePort();
    const run = await runKali([
      "-T1s",
      "-l",
      `127.0.0.1:${port}`,
      `127.0.0.1:${port}`,
      "-c10",
      "-m",
      message,
    ]);
    assert.equal(run.code, 0, `${message}: ${run.stderr}`);
    assert.match(run.stderr, /^Ramped up to 10 connections\.$/m, message);
  }
});
