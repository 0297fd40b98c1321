/**
 * kali under narrowed permissions, as on a shared host: only the targets,
 * listen address and files it is given. A missing permission ends the run
 * with one line naming the flag, before any traffic, without prompting.
 */
import assert from "node:assert/strict";
import { freePort, reportBytes, runKali } from "../../_helpers/kali.ts";
import { RecordingSink } from "../../_helpers/peers.ts";

const root = new URL("../../..", import.meta.url);
const path = (relative: string) => decodeURIComponent(new URL(relative, root).pathname);
/**
 * From a local checkout Deno loads a Web Worker's module graph as a dynamic
 * import, so worker threads need read access to kali's own modules (from
 * jsr: they need nothing); without it kali runs its engine on one thread.
 */
const OWN_MODULES = `--allow-read=${path("src")},${path("workers")}`;

function assertOneLine(stderr: string, expected: RegExp): void {
  const lines = stderr.split("\n").filter((line) => line.startsWith("kali:"));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], expected);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
  assert.doesNotMatch(stderr, /Uncaught|Allow\?/, "no uncaught error, no prompt");
}

async function tempFile(text: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".txt" });
  await Deno.writeTextFile(file, text);
  return file;
}

Deno.test("self-loop with --allow-net=127.0.0.1:P,0.0.0.0:P only (IPv4 listener) reports bytes", async () => {
  const port = freePort();
  const run = await runKali(["-l", `${port}`, `127.0.0.1:${port}`, "-m", "cookies", "-T", "1s"], {
    permissions: ["--no-prompt", `--allow-net=127.0.0.1:${port},0.0.0.0:${port}`],
  });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(reportBytes(run.stdout, "sent") > 0, run.stdout);
  assert.ok(reportBytes(run.stdout, "received") > 0, run.stdout);
  // Without [::]:P granted, -l P listens on IPv4 only and says so.
  assert.match(run.stderr, new RegExp(`^Listen on: \\[0\\.0\\.0\\.0\\]:${port}$`, "m"));
  assert.doesNotMatch(run.stderr, /Listen on: \[::\]/);
  assert.doesNotMatch(run.stderr, /permission|\/proc/i, "system limit reads skip silently");
});

Deno.test("self-loop with [::]:P granted keeps the dual-stack listener", async () => {
  const port = freePort();
  const run = await runKali([
    "-l",
    `${port}`,
    `127.0.0.1:${port}`,
    "-m",
    "x",
    "-T",
    "1s",
    "-w",
    "2",
  ], {
    permissions: ["--no-prompt", `--allow-net=127.0.0.1:${port},[::]:${port}`, OWN_MODULES],
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`^Listen on: \\[::\\]:${port}$`, "m"));
  assert.ok(reportBytes(run.stdout, "received") > 0, run.stdout);
});

Deno.test("-l P without any listen permission names both ways to grant it", async () => {
  const port = freePort();
  const run = await runKali(["-l", `${port}`, "-T", "1s"], {
    permissions: ["--no-prompt", OWN_MODULES],
  });
  assert.equal(run.code, 1);
  assertOneLine(
    run.stderr,
    new RegExp(`--allow-net=\\[::\\]:${port} .*--allow-net=0\\.0\\.0\\.0:${port}`),
  );
});

Deno.test("-f file without read permission fails with the hint naming --allow-read=<file>", async () => {
  const sink = new RecordingSink();
  const file = await tempFile("from a file\n");
  try {
    const run = await runKali(["-f", file, `127.0.0.1:${sink.port}`, "-T", "1s"], {
      permissions: ["--no-prompt", `--allow-net=127.0.0.1:${sink.port}`, OWN_MODULES],
    });
    assert.equal(run.code, 1);
    assertOneLine(
      run.stderr,
      new RegExp(`read access to ${file}; grant it with --allow-read=${file}$`),
    );
    assert.equal(run.stdout, "");
    assert.equal(sink.connections.length, 0);
  } finally {
    sink.close();
    await Deno.remove(file);
  }
});

Deno.test("-f file with --allow-read=<file> sends it", async () => {
  const sink = new RecordingSink();
  const file = await tempFile("FILE-CONTENT|");
  try {
    const run = await runKali(["-f", file, "-r", "5", `127.0.0.1:${sink.port}`, "-T", "1s"], {
      permissions: ["--no-prompt", `--allow-net=127.0.0.1:${sink.port}`, `${OWN_MODULES},${file}`],
    });
    assert.equal(run.code, 0, run.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(new TextDecoder().decode(sink.bytesOf(0)), /^FILE-CONTENT\|FILE-CONTENT\|/);
  } finally {
    sink.close();
    await Deno.remove(file);
  }
});

Deno.test("\\{<file>} in a message without read permission fails with the hint", async () => {
  const file = await tempFile("x");
  try {
    const run = await runKali(["-m", `\\{<${file}>}`, "127.0.0.1:1", "-T", "1s"], {
      permissions: ["--no-prompt", "--allow-net=127.0.0.1:1", OWN_MODULES],
    });
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, new RegExp(`--allow-read=${file}$`));
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("a destination outside the allowed list fails with the hint before any traffic", async () => {
  const allowed = new RecordingSink();
  const denied = new RecordingSink();
  try {
    const run = await runKali(
      ["-c", "2", "-m", "x", `127.0.0.1:${allowed.port}`, `127.0.0.1:${denied.port}`, "-T", "1s"],
      { permissions: ["--no-prompt", `--allow-net=127.0.0.1:${allowed.port}`, OWN_MODULES] },
    );
    assert.equal(run.code, 1);
    assertOneLine(
      run.stderr,
      new RegExp(
        `net access to 127\\.0\\.0\\.1:${denied.port}; grant it with --allow-net=127\\.0\\.0\\.1:${denied.port}$`,
      ),
    );
    assert.equal(run.stdout, "", "no report: the run never started");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(denied.connections.length, 0);
    assert.equal(allowed.connections.length, 0, "not even the allowed destination saw traffic");
  } finally {
    allowed.close();
    denied.close();
  }
});

Deno.test("a host name needs --allow-net=<name> to be resolved", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali([`localhost:${sink.port}`, "-T", "1s"], {
      permissions: ["--no-prompt", `--allow-net=127.0.0.1:${sink.port}`, OWN_MODULES],
    });
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, /net access to localhost; grant it with --allow-net=localhost$/);
    assert.equal(sink.connections.length, 0);
  } finally {
    sink.close();
  }
});

Deno.test("without kali's own modules readable, the engine runs on one thread and says how to get workers", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali([
      `127.0.0.1:${sink.port}`,
      "-c",
      "2",
      "-m",
      "x",
      "-r",
      "5",
      "-T",
      "1s",
    ], {
      permissions: ["--no-prompt", `--allow-net=127.0.0.1:${sink.port}`],
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`^WARNING: running on one thread: .*\\(${OWN_MODULES}\\)$`, "m"),
    );
    assert.equal(sink.connections.length, 2);
    assert.ok(reportBytes(run.stdout, "sent") > 0, run.stdout);
  } finally {
    sink.close();
  }
});

Deno.test("without --no-prompt a non-TTY run does not prompt either", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali([`127.0.0.1:${sink.port}`, "-T", "1s"], {
      permissions: [OWN_MODULES],
      timeoutMs: 15000,
    });
    assert.equal(run.signal, null, "finished on its own");
    assert.equal(run.code, 1);
    assertOneLine(run.stderr, new RegExp(`--allow-net=127\\.0\\.0\\.1:${sink.port}$`));
    assert.equal(sink.connections.length, 0);
  } finally {
    sink.close();
  }
});

Deno.test("--source-ip needs its address bindable on port 0", async () => {
  const port = freePort();
  const run = await runKali(
    ["-l", `127.0.0.1:${port}`, `127.0.0.1:${port}`, "--source-ip", "127.0.0.1", "-T", "1s"],
    { permissions: ["--no-prompt", `--allow-net=127.0.0.1:${port}`, OWN_MODULES] },
  );
  assert.equal(run.code, 1);
  assertOneLine(run.stderr, /grant it with --allow-net=127\.0\.0\.1:0$/);
});

Deno.test("-l 127.0.0.1:P self-loop needs only --allow-net=127.0.0.1:P", async () => {
  const port = freePort();
  const run = await runKali(
    ["-l", `127.0.0.1:${port}`, `127.0.0.1:${port}`, "-m", "x", "-T", "1s"],
    {
      permissions: ["--no-prompt", `--allow-net=127.0.0.1:${port}`, OWN_MODULES],
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.ok(reportBytes(run.stdout, "received") > 0, run.stdout);
});
