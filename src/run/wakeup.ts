/**
 * Sleeping until something happens: a phase of the run waits on a
 * condition, a deadline, or the next tick, whichever comes first, and any
 * message from a worker or a signal wakes it at once.
 *
 * @module
 */

/** One sleeper at a time, woken early by {@linkcode Wakeup.wake}. */
export class Wakeup {
  #wake: () => void = () => {};

  /** Wakes the current sleeper, if any. */
  readonly wake = (): void => this.#wake();

  /**
   * Sleeps in steps of at most `tickMs` until `done()` holds or `deadline`
   * (ms on the performance clock; null: none) passes, calling `tick` after
   * every step.
   */
  async until(
    done: () => boolean,
    deadline: number | null,
    options: { tickMs: number; tick?: () => void },
  ): Promise<void> {
    while (!done()) {
      const now = performance.now();
      if (deadline !== null && now >= deadline) return;
      const wait = Math.min(options.tickMs, deadline === null ? Infinity : deadline - now);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      options.tick?.();
    }
  }
}
