/**
 * Wakes sleeping connections at their due times with one timer per worker
 * instead of one timer per message. A binary min-heap in parallel arrays:
 * scheduling allocates nothing once the arrays have grown.
 *
 * @module
 */

/** Items due within this many ms are woken now: timers fire at ms granularity. */
export const EARLY_WAKE_MS = 0.5;

/** Something the scheduler can wake. */
export interface Wakeable {
  wake(now: number): void;
}

/** A min-heap of wake-up times driving a single setTimeout. */
export class Scheduler {
  #times: number[] = [];
  #items: Wakeable[] = [];
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;
  #fire = () => this.#run();

  /** Number of pending wake-ups. */
  get size(): number {
    return this.#size;
  }

  /** Wakes `item` at monotonic time `at` (ms, performance.now()). */
  schedule(item: Wakeable, at: number): void {
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#times[parent] <= at) break;
      this.#times[i] = this.#times[parent];
      this.#items[i] = this.#items[parent];
      i = parent;
    }
    this.#times[i] = at;
    this.#items[i] = item;
    if (at < this.#armedFor - EARLY_WAKE_MS) this.#arm(at);
  }

  /** Cancels every pending wake-up. */
  clear(): void {
    this.#size = 0;
    this.#items.length = 0;
    this.#times.length = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(this.#fire, Math.max(0, at - performance.now()));
  }

  #pop(): Wakeable {
    const top = this.#items[0];
    const last = --this.#size;
    const time = this.#times[last];
    const item = this.#items[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.#times[child + 1] < this.#times[child]) child++;
      if (this.#times[child] >= time) break;
      this.#times[i] = this.#times[child];
      this.#items[i] = this.#items[child];
      i = child;
    }
    this.#times[i] = time;
    this.#items[i] = item;
    this.#items[last] = undefined as unknown as Wakeable;
    return top;
  }

  #run(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = performance.now();
    // Timers fire at millisecond granularity: wake what is due within it.
    while (this.#size > 0 && this.#times[0] <= now + EARLY_WAKE_MS) this.#pop().wake(now);
    if (this.#size > 0) this.#arm(this.#times[0]);
  }
}
