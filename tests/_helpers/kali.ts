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

/** Runs `kali args…` with all permissions unless `permissions` narrows them. */
export async function runKali(
  args: string[],
  options: { permissions?: string[]; timeoutMs?: number; cwd?: string } = {},
): Promise<KaliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.permissions ?? ["-A"]), MAIN, ...args],
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

/** Starts kali and returns the child for signal tests. */
export function spawnKali(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
}

/** A loopback TCP port that was free a moment ago (the benchmark's helper). */
export { freePort } from "../../scripts/bench_proc.ts";

/** The `N` of `Total data sent:     … (N bytes)` or the received line. */
export function reportBytes(stdout: string, which: "sent" | "received"): number {
  const match = new RegExp(`^Total data ${which}: +.* \\((\\d+) bytes\\)$`, "m").exec(stdout);
  if (!match) throw new Error(`no "Total data ${which}" line in:\n${stdout}`);
  return Number(match[1]);
}
