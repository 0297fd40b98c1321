/**
 * Ctrl-C and SIGTERM during a run: the first one is recorded and the run
 * goes on to its report; the listeners are removed when the run ends.
 *
 * @module
 */
import type { Interrupt } from "../stats/result.ts";

/** The signals a run listens to while it lasts. */
export class Interrupts {
  /** The first signal received, if any. */
  received: Interrupt | null = null;
  readonly #handlers: [Interrupt, () => void][];

  /** Listens for SIGINT and SIGTERM; `onSignal` runs on the first one. */
  constructor(onSignal: (signal: Interrupt) => void) {
    this.#handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => [signal, () => {
      if (this.received) return;
      this.received = signal;
      onSignal(signal);
    }]);
    for (const [signal, handler] of this.#handlers) Deno.addSignalListener(signal, handler);
  }

  /** Stops listening. */
  remove(): void {
    for (const [signal, handler] of this.#handlers) Deno.removeSignalListener(signal, handler);
  }
}
