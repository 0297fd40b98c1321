/**
 * Spawns kali as a user would and collects what it printed.
 *
 * @module
 */

/** What a kali process printed and how it exited. */
export interface KaliRun {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Options of {@linkcode runKali}. */
export interface RunOptions {
  permissions?: string[];
  timeoutMs?: number;
  cwd?: string;
  /** Run under this `ulimit -n` (open files). */
  fileLimit?: number;
}

/** Runs `kali args…` with all permissions unless `permissions` narrows them. */
export async function runKali(args: string[], options: RunOptions = {}): Promise<KaliRun> {
  const deno = [Deno.execPath(), "run", ...(options.permissions ?? ["-A"]), MAIN, ...args];
  const limited = options.fileLimit === undefined
    ? deno
    : ["sh", "-c", `ulimit -n ${options.fileLimit} && exec "$@"`, "sh", ...deno];
  const child = new Deno.Command(limited[0], {
    args: limited.slice(1),
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    cwd: options.cwd,
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30000);
  const output = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    signal: output.signal,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Starts kali in the background (a peer, or a run to signal). Its output is
 * piped unless `quiet`; a piped child must be awaited with `output()`.
 */
export function spawnKali(args: string[], options: { quiet?: boolean } = {}): Deno.ChildProcess {
  const output = options.quiet ? "null" : "piped";
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: output,
    stderr: output,
    stdin: "null",
  }).spawn();
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; throws after `ms`. */
export async function waitForPort(port: number, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A loopback TCP port that was free a moment ago (the benchmark's helper). */
export { freePort } from "../../scripts/bench_proc.ts";

/** The `N` of `Total data sent:     … (N bytes)` or the received line. */
export function reportBytes(stdout: string, which: "sent" | "received"): number {
  const match = new RegExp(`^Total data ${which}: +.* \\((\\d+) bytes\\)$`, "m").exec(stdout);
  if (!match) throw new Error(`no "Total data ${which}" line in:\n${stdout}`);
  return Number(match[1]);
}
