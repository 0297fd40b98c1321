/**
 * Wakes sleeping connections at their due times with one alarm per worker
 * instead of one timer per connection: a binary min-heap in parallel
 * arrays (scheduling allocates nothing once the arrays have grown) driving
 * a precise {@linkcode Alarm}, so a connection paced by `-r` wakes within a
 * fraction of a millisecond of its due time, as tcpkali's 1 ms timers do.
 *
 * It also keeps the worker's event loop turning ({@linkcode Scheduler.passes}):
 * a write to (or read from) a fast local peer completes at once, so a
 * connection's write → refill → write chain can run as one unbroken series
 * of promise callbacks, and the runtime polls sockets (connects completing,
 * accepts) and fires timers only once its loop is idle. Chains that ran for
 * {@linkcode TURN_BUDGET_MS} wait for the alarm, which lets the loop idle
 * for an instant.
 *
 * @module
 */
import { type Alarm, type AlarmSlot, startAlarm } from "./alarm_clock.ts";

/**
 * Items due within this many ms of a wake-up are woken with it, told their
 * own due time (so a pacer sees them due): a precise alarm's rings then
 * serve every connection due in the next quarter millisecond at once.
 */
export const COALESCE_MS = 0.25;

/** Setting the alarm again is skipped when it is already due this close to the wanted time. */
const REARM_SLACK_MS = 0.05;

/**
 * Longest stretch of unbroken callback work before I/O chains wait for the
 * event loop to idle: connects in flight complete within this. With the
 * precise alarm such a pause lasts a fraction of a millisecond; with
 * setTimeout it lasts one to two, so chains run longer between pauses.
 * A CPU-bound sender gives up a few percent at most either way.
 */
export const TURN_BUDGET_MS = { precise: 4, timer: 20 } as const;

/**
 * Items due within this many ms are woken now with the imprecise (setTimeout)
 * alarm: its timers fire at millisecond granularity.
 */
export const EARLY_WAKE_MS = 0.5;

/**
 * A wake-up that follows a yield runs only once no I/O chain has run for
 * this long: the event loop then certainly went idle (and polled its
 * sockets) in between, even if the alarm rang before the last chain stopped.
 */
const QUIET_MS = 0.05;

/** Something the scheduler can wake. */
export interface Wakeable {
  /** Called at (or, within the coalescing window, just before) the due time `now`. */
  wake(now: number): void;
}

/** Options for {@linkcode Scheduler}. */
export interface SchedulerOptions {
  /** This worker's slot of the precise alarm's helper; none: setTimeout drives wake-ups. */
  alarm?: AlarmSlot | null;
}

/** A min-heap of wake-up times driving one alarm. */
export class Scheduler {
  #times: number[] = [];
  #items: Wakeable[] = [];
  #size = 0;
  #alarm: Alarm | null = null;
  readonly #slot: AlarmSlot | null;
  #armedFor = Infinity;
  /**
   * True while a wake-up runs its due items: the items it wakes schedule
   * their next times, and the alarm is set once at the end for the
   * earliest, not once per item (each setting wakes the helper thread).
   */
  #waking = false;
  /** When the event loop was last seen idle (a wake-up or the canary timer ran). */
  #idleAt = -Infinity;
  /** A zero-delay timer that marks idle moments while I/O chains run. */
  #canaryPending = false;
  readonly #canary = () => {
    this.#canaryPending = false;
    this.#idleAt = performance.now();
  };
  /** When an I/O chain last stopped to yield. */
  #lastYield = -Infinity;
  #fire = () => this.#run();

  constructor(options: SchedulerOptions = {}) {
    this.#slot = options.alarm ?? null;
  }

  /** Starts listening for the alarm (otherwise done at the first wake-up). */
  start(): void {
    this.#alarm ??= startAlarm(this.#fire, this.#slot);
  }

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
    if (!this.#waking && at < this.#armedFor - REARM_SLACK_MS) this.#arm(at);
  }

  /**
   * Whether an I/O chain may go on at `now`. False once the event loop has
   * not idled for {@linkcode TURN_BUDGET_MS}: `item` is then woken as soon
   * as it has (the caller stops until then).
   */
  passes(item: Wakeable, now: number): boolean {
    const budget = this.#alarm?.precise ? TURN_BUDGET_MS.precise : TURN_BUDGET_MS.timer;
    if (now - this.#idleAt < budget) {
      if (!this.#canaryPending) {
        // Timers fire only when the loop gets round to them: if this one does,
        // chains are not starving the loop, and need not pause.
        this.#canaryPending = true;
        setTimeout(this.#canary, 0);
      }
      return true;
    }
    this.#lastYield = now;
    this.schedule(item, now);
    return false;
  }

  /** Cancels every pending wake-up. */
  clear(): void {
    this.#size = 0;
    this.#items.length = 0;
    this.#times.length = 0;
    this.#alarm?.cancel();
    this.#armedFor = Infinity;
  }

  /** Cancels every pending wake-up and stops the alarm for good. */
  close(): void {
    this.clear();
    this.#alarm?.close();
  }

  #arm(at: number): void {
    this.#armedFor = at;
    this.start();
    this.#alarm!.set(at);
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
    const now = performance.now();
    this.#armedFor = Infinity;
    if (now - this.#lastYield < QUIET_MS) {
      // Rang while chains were still stopping: wait until the loop has idled.
      this.#arm(this.#lastYield + QUIET_MS);
      return;
    }
    this.#idleAt = now;
    const alarm = this.#alarm!;
    // A precise alarm may ring up to its lead early: items due by then count as due.
    const limit = now + (alarm.precise ? COALESCE_MS + alarm.lead : EARLY_WAKE_MS);
    this.#waking = true;
    try {
      while (this.#size > 0 && this.#times[0] <= limit) {
        const due = this.#times[0];
        this.#pop().wake(due > now ? due : now);
      }
    } finally {
      this.#waking = false;
    }
    if (this.#size > 0 && this.#times[0] < this.#armedFor - REARM_SLACK_MS) {
      this.#arm(this.#times[0]);
    }
  }
}
