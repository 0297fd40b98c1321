/**
 * `--stage`: where the load should be at a moment. Each stage moves
 * linearly from the previous stage's values (the plan's `-c` and `-r` for
 * the first) to its own over its duration, as k6's ramping executors do.
 *
 * @module
 */
import type { RunPlan, Stage } from "../plan.ts";

/** The lowest message rate sent to connections: `r=0` pauses them. */
export const PAUSED_RATE = 0.001;

/** The load at one moment of the stages. */
export interface StagePoint {
  /** The stage running, from 0 (the last one once they are over). */
  index: number;
  connections: number;
  /** Messages per second per connection; null: unlimited. */
  messageRate: number | null;
}

/** The stages' timeline. */
export class StageClock {
  readonly stages: readonly Stage[];
  /** Where each stage ends, ms from the start. */
  readonly #ends: number[] = [];
  readonly #startConnections: number;
  readonly #startRate: number | null;

  constructor(plan: RunPlan) {
    this.stages = plan.stages ?? [];
    let end = 0;
    for (const stage of this.stages) this.#ends.push(end += stage.durationMs);
    this.#startConnections = plan.connections;
    this.#startRate = plan.messageRate;
  }

  /** The sum of the stages, ms. */
  get totalMs(): number {
    return this.#ends.at(-1) ?? 0;
  }

  /** The load `elapsedMs` after the start. */
  at(elapsedMs: number): StagePoint {
    const stages = this.stages;
    let index = 0;
    while (index < stages.length - 1 && elapsedMs >= this.#ends[index]) index++;
    const stage = stages[index];
    const begin = this.#ends[index] - stage.durationMs;
    const f = stage.durationMs > 0
      ? Math.min(1, Math.max(0, (elapsedMs - begin) / stage.durationMs))
      : 1;
    const from = index === 0
      ? { connections: this.#startConnections, messageRate: this.#startRate }
      : stages[index - 1];
    const connections = Math.round(from.connections + (stage.connections - from.connections) * f);
    const rate = stage.messageRate === null || from.messageRate === null
      ? stage.messageRate
      : from.messageRate + (stage.messageRate - from.messageRate) * f;
    return { index, connections, messageRate: rate === null ? null : Math.max(PAUSED_RATE, rate) };
  }
}
