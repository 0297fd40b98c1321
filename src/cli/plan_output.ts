/**
 * Where the lines printed while building a plan go.
 *
 * @module
 */

/** Where startup lines go (stderr in the CLI, an array in tests). */
export interface PlanOutput {
  say(line: string): void;
}
