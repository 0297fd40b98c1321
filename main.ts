/**
 * kali: a fast TCP load generator and sink, tcpkali-compatible.
 * argv -> plan -> run -> report -> exit code; nothing else.
 *
 * @module
 */
import { buildPlan } from "./src/cli/build_plan.ts";
import { parseArgs } from "./src/cli/options.ts";
import { requireRunPermissions } from "./src/cli/permission_check.ts";
import { permissionHint, UsageError } from "./src/errors.ts";
import { runPlan } from "./src/engine/coordinator.ts";

const encoder = new TextEncoder();
const stdout = (text: string) => writeAll(Deno.stdout, text);
const stderr = (text: string) => writeAll(Deno.stderr, text);

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

function utf8Locale(): boolean {
  const granted = Deno.permissions.querySync({ name: "env", variable: "LANG" }).state === "granted";
  return granted && /utf-?8/i.test(Deno.env.get("LANG") ?? "");
}

/** The terminal's width; 80 when it reports none (a pty without a size, e.g. under `script`). */
function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

/** Runs kali with `args`; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    const parsed = parseArgs(args);
    if (parsed.kind === "exit") {
      stdout(parsed.stdout);
      return parsed.exitCode;
    }
    const plan = await buildPlan(parsed.options, { say: (line) => stderr(line + "\n") });
    requireRunPermissions(plan);
    const live = Deno.stdout.isTerminal();
    return await runPlan(plan, {
      stdout,
      stderr,
      live,
      columns: live ? terminalColumns() : 80,
      utf8: live && utf8Locale(),
    });
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(error.lines.map((line) => line + "\n").join(""));
      if (error.stdout) stdout(error.stdout);
      return error.exitCode;
    }
    const hint = permissionHint(error);
    if (hint) {
      stderr(hint + "\n");
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
