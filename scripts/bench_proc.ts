/**
 * Process plumbing for the benchmark: free loopback ports, bounded child
 * processes whose output is timestamped as it arrives, and peers that are
 * stopped at the end even when a scenario fails. The tests' fixtures use
 * its port and output helpers too.
 *
 * @module
 */

/** What a finished child printed, how it exited, and when watched lines appeared. */
export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn until each watched pattern first matched stderr. */
  marks: Record<string, number>;
  /** Milliseconds from spawn until exit. */
  wallMs: number;
  timedOut: boolean;
}

/** Options of {@linkcode runProcess}. */
export interface RunOptions {
  /** Kill the child (SIGKILL) after this long. */
  timeoutMs: number;
  /** Patterns to timestamp on stderr, by name. */
  watch?: Record<string, RegExp>;
  env?: Record<string, string>;
}

const live = new Set<Deno.ChildProcess>();

/** Kills every child still running (peers and measured processes). */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  live.clear();
}

/** A loopback TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Decodes `stream` as UTF-8 text, handing each piece to `onText` as it arrives. */
export async function drain(
  stream: ReadableStream<Uint8Array>,
  onText: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
  onText(decoder.decode());
}

/** Runs `command args…` to completion, bounded by `timeoutMs`. */
export async function runProcess(
  command: string,
  args: string[],
  options: RunOptions,
): Promise<ProcessRun> {
  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  }).spawn();
  live.add(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, options.timeoutMs);
  const marks: Record<string, number> = {};
  const pending = Object.entries(options.watch ?? {});
  let stdout = "";
  let stderr = "";
  let tail = "";
  try {
    await Promise.all([
      drain(child.stdout, (text) => stdout += text),
      drain(child.stderr, (text) => {
        stderr += text;
        if (pending.length === 0) return;
        const now = performance.now() - started;
        const window = tail + text;
        for (let i = pending.length - 1; i >= 0; i--) {
          const [name, pattern] = pending[i];
          if (pattern.test(window)) {
            marks[name] = now;
            pending.splice(i, 1);
          }
        }
        tail = window.slice(-256);
      }),
    ]);
    const status = await child.status;
    return {
      code: status.code,
      stdout,
      stderr,
      marks,
      wallMs: performance.now() - started,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    live.delete(child);
  }
}

/** A long-running peer (server) started for one scenario. */
export interface Peer {
  /** Stops the peer (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`nothing listens on 127.0.0.1:${port}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Options of {@linkcode startPeer}. */
export interface PeerOptions {
  /** The peer stops by itself after this long, even if the benchmark dies. */
  lifetimeSeconds: number;
  /** Ready once 127.0.0.1:`port` accepts a connection… */
  port?: number;
  /** …or once its output matches this (for peers a probe connection would disturb). */
  ready?: RegExp;
}

/**
 * Starts a server peer under `timeout`, so that it stops by itself after
 * `lifetimeSeconds` even if the benchmark dies; waits until it is ready.
 */
export async function startPeer(
  command: string,
  args: string[],
  options: PeerOptions,
): Promise<Peer> {
  const child = new Deno.Command("timeout", {
    args: ["-k", "2", String(options.lifetimeSeconds), command, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  live.add(child);
  let output = "";
  let signalReady = () => {};
  const readyLine = new Promise<void>((resolve) => signalReady = resolve);
  const collect = (text: string) => {
    output = (output + text).slice(-4000);
    if (options.ready?.test(output)) signalReady();
  };
  const drained = Promise.all([drain(child.stdout, collect), drain(child.stderr, collect)]);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 3000);
    await child.status;
    await drained;
    clearTimeout(timer);
    live.delete(child);
  };
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    await Promise.race([
      options.port !== undefined ? waitForPort(options.port, 5000) : readyLine,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${command} not ready in 5 s`)), 5000);
      }),
      child.status.then((s) => {
        if (settled) return;
        throw new Error(`${command} exited (${s.code}) before listening: ${output.trim()}`);
      }),
    ]).finally(() => {
      settled = true;
      clearTimeout(timer);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/**
 * Makes a throwaway self-signed RSA certificate and key with openssl in
 * `dir` (`cert.pem`, `key.pem`); `extensions` are further `-addext` values.
 * Throws with openssl's message when it fails.
 */
export async function selfSignedCertificate(
  dir: string,
  subject = "/CN=localhost",
  extensions: string[] = [],
): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  const made = await new Deno.Command("openssl", {
    args: [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert],
      ...["-days", "2", "-subj", subject],
      ...extensions.flatMap((extension) => ["-addext", extension]),
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!made.success) {
    throw new Error(`openssl req failed: ${new TextDecoder().decode(made.stderr).trim()}`);
  }
  return { cert, key };
}
