/**
 * The command line in-process: parse argv and build the plan as main.ts
 * does, collecting what kali would print and how it refuses.
 *
 * @module
 */
import { buildPlan } from "../../src/cli/build_plan.ts";
import { parseArgs } from "../../src/cli/options.ts";
import type { RawOptions } from "../../src/cli/raw_options.ts";
import { UsageError } from "../../src/errors.ts";
import type { RunPlan } from "../../src/plan.ts";

/** The options of a command line that parses into a run. */
export function parsed(...argv: string[]): RawOptions {
  const outcome = parseArgs(argv);
  if (outcome.kind !== "run") throw new Error(`expected a run, got exit ${outcome.exitCode}`);
  return outcome.options;
}

/** How parsing refuses a command line (its stderr lines, exit code, stdout). */
export function parseRefusal(...argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

/** The plan of a command line and the startup lines printed while building it. */
export async function planned(...argv: string[]): Promise<{ plan: RunPlan; said: string[] }> {
  const said: string[] = [];
  const plan = await buildPlan(parsed(...argv), { say: (line) => said.push(line) });
  return { plan, said };
}

/**
 * How parsing or building the plan refuses a command line, and the startup
 * lines printed before the refusal.
 */
export async function planRefusal(
  ...argv: string[]
): Promise<{ error: UsageError; said: string[] }> {
  const said: string[] = [];
  try {
    await buildPlan(parsed(...argv), { say: (line) => said.push(line) });
  } catch (error) {
    if (error instanceof UsageError) return { error, said };
    throw error;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}
