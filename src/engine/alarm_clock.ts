/**
 * A precise one-shot alarm per engine. Deno's timers fire on a millisecond
 * tick, about 2 ms after a 1 ms setTimeout: too coarse for tcpkali's 1 ms
 * write cadence. One helper thread per process sleeps in `Atomics.wait`
 * until the earliest deadline any engine set (a futex wait: accurate to
 * tens of microseconds, no CPU while it waits), then notifies that engine,
 * whose `Atomics.waitAsync` resolves. The main thread starts the helper (a
 * worker started by a worker boots and hears its parent far more slowly)
 * and hands each engine a slot of its shared cells. Where there is no
 * helper, or until it runs, setTimeout stands in.
 *
 * @module
 */

/** A settable alarm. Times are `performance.now()` milliseconds of the calling thread. */
export interface Alarm {
  /** Rings once at `at` (or at once if past), replacing any earlier setting. */
  set(at: number): void;
  /** Unsets the alarm. */
  cancel(): void;
  /** Stops listening for good. */
  close(): void;
  /** Whether the helper thread rings it (false: setTimeout, millisecond ticks). */
  readonly precise: boolean;
  /**
   * How far ahead of the asked time it is set, to land on that time on
   * average (rings arrive late by the time both threads take to be
   * scheduled); so it may ring up to about this much early.
   */
  readonly lead: number;
}

/** An engine's slot in the helper's shared cells (part of its worker slice). */
export interface AlarmSlot {
  buffer: SharedArrayBuffer;
  slot: number;
}

// Int32 cells: a wake-up counter for the helper, closed, running; then per
// slot a request counter and a ring counter. Float64 deadlines (epoch ms,
// +Infinity when unset) follow, one per slot.
const WAKE = 0;
const CLOSED = 1;
const RUNNING = 2;
const HEADER = 4;
const requestCell = (slot: number) => HEADER + 2 * slot;
const ringCell = (slot: number) => HEADER + 2 * slot + 1;
const deadlinesAt = (slots: number) => Math.ceil((HEADER + 2 * slots) / 2) * 8;
/** The number of slots of a buffer made by {@linkcode alarmBuffer}. */
const slotsOf = (buffer: SharedArrayBuffer) => (buffer.byteLength - deadlinesAt(0)) / 16;

/** Weight of each ring in the running estimate of how late rings land. */
const LATENESS_WEIGHT = 1 / 16;
/** The lead never exceeds this; a ring later than it (a stalled thread) counts as this late. */
const MAX_LEAD_MS = 0.5;

/** Shared cells for a helper serving `slots` engines. */
export function alarmBuffer(slots: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(deadlinesAt(slots) + 8 * slots);
  new Float64Array(buffer, deadlinesAt(slots), slots).fill(Infinity);
  return buffer;
}

/**
 * The helper's loop: rings each slot once per request, when its deadline
 * comes. It runs in its own worker, made from this function's source, so
 * it uses nothing from this module (the cell layout is repeated here).
 */
function alarmThread(scope: {
  onmessage: ((event: MessageEvent<[SharedArrayBuffer, number]>) => void) | null;
}): void {
  scope.onmessage = (event) => {
    const [buffer, slots] = event.data;
    const cells = new Int32Array(buffer, 0, 4 + 2 * slots);
    const deadlines = new Float64Array(buffer, Math.ceil((4 + 2 * slots) / 2) * 8, slots);
    const handled = new Int32Array(slots);
    Atomics.store(cells, 2, 1);
    while (Atomics.load(cells, 1) === 0) {
      const wake = Atomics.load(cells, 0);
      const now = performance.timeOrigin + performance.now();
      let soonest = Infinity;
      for (let slot = 0; slot < slots; slot++) {
        const request = Atomics.load(cells, 4 + 2 * slot);
        if (request === handled[slot]) continue;
        const at = deadlines[slot];
        if (at > now) {
          if (at < soonest) soonest = at; // +Infinity: unset, nothing to wait for
          if (at === Infinity) handled[slot] = request;
          continue;
        }
        handled[slot] = request;
        Atomics.add(cells, 5 + 2 * slot, 1);
        Atomics.notify(cells, 5 + 2 * slot);
      }
      const wait = soonest - (performance.timeOrigin + performance.now());
      if (soonest === Infinity) Atomics.wait(cells, 0, wake);
      else if (wait > 0) Atomics.wait(cells, 0, wake, wait);
    }
  };
}

/** The running helper thread (main thread side). */
export interface AlarmThread {
  /** Ends the helper. */
  close(): void;
}

/** Starts the helper thread that serves every slot of `buffer` (from {@linkcode alarmBuffer}). */
export function startAlarmThread(buffer: SharedArrayBuffer): AlarmThread {
  const source = `(${alarmThread.toString()})(self);`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  URL.revokeObjectURL(url);
  worker.postMessage([buffer, slotsOf(buffer)]);
  const cells = new Int32Array(buffer, 0, HEADER);
  return {
    close() {
      Atomics.store(cells, CLOSED, 1);
      Atomics.add(cells, WAKE, 1);
      Atomics.notify(cells, WAKE);
      worker.terminate();
    },
  };
}

type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/** An engine's alarm rung by the helper, with setTimeout standing in until it runs. */
class SharedAlarm implements Alarm {
  readonly #ring: () => void;
  readonly #cells: Int32Array;
  readonly #deadline: Float64Array;
  readonly #request: number;
  readonly #ringAt: number;
  readonly #waitAsync: WaitAsync;
  #closed = false;
  #rings = 0;
  /** The helper's deadline, in this thread's clock. */
  #setFor = Infinity;
  #lead = 0;
  readonly #fallback: TimeoutAlarm;
  readonly #onRing = () => this.#rang();

  constructor(ring: () => void, where: AlarmSlot, waitAsync: WaitAsync) {
    this.#ring = ring;
    this.#waitAsync = waitAsync;
    const slots = slotsOf(where.buffer);
    this.#cells = new Int32Array(where.buffer, 0, HEADER + 2 * slots);
    this.#deadline = new Float64Array(where.buffer, deadlinesAt(slots) + 8 * where.slot, 1);
    this.#request = requestCell(where.slot);
    this.#ringAt = ringCell(where.slot);
    this.#fallback = new TimeoutAlarm(ring);
    this.#rings = Atomics.load(this.#cells, this.#ringAt);
    this.#listen();
  }

  get precise(): boolean {
    return Atomics.load(this.#cells, RUNNING) === 1;
  }

  get lead(): number {
    return this.precise ? this.#lead : 0;
  }

  set(at: number): void {
    if (this.#closed) return;
    this.#setFor = at - this.#lead;
    this.#deadline[0] = performance.timeOrigin + this.#setFor;
    this.#notifyHelper();
    // Until the helper runs (moments after the start), a timer keeps time.
    if (this.precise) this.#fallback.cancel();
    else this.#fallback.set(at);
  }

  cancel(): void {
    this.#setFor = Infinity;
    this.#deadline[0] = Infinity;
    this.#notifyHelper();
    this.#fallback.cancel();
  }

  close(): void {
    this.cancel();
    this.#closed = true;
  }

  /** Tells the helper this slot's deadline changed. */
  #notifyHelper(): void {
    Atomics.add(this.#cells, this.#request, 1);
    Atomics.add(this.#cells, WAKE, 1);
    Atomics.notify(this.#cells, WAKE);
  }

  /** Waits for the next ring; a pending waitAsync does not keep the worker alive. */
  #listen(): void {
    const result = this.#waitAsync(this.#cells, this.#ringAt, this.#rings);
    if (result.async) result.value.then(this.#onRing);
    else queueMicrotask(this.#onRing);
  }

  #rang(): void {
    if (this.#closed) return;
    this.#rings = Atomics.load(this.#cells, this.#ringAt);
    const late = performance.now() - this.#setFor;
    if (late >= 0) {
      this.#lead += ((late < MAX_LEAD_MS ? late : MAX_LEAD_MS) - this.#lead) * LATENESS_WEIGHT;
    }
    this.#listen();
    this.#ring();
  }
}

/** setTimeout as an alarm: where no helper thread runs. */
class TimeoutAlarm implements Alarm {
  readonly precise = false;
  readonly lead = 0;
  readonly #ring: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = Infinity;
  readonly #fire = () => {
    this.#timer = undefined;
    this.#at = Infinity;
    this.#ring();
  };

  constructor(ring: () => void) {
    this.#ring = ring;
  }

  set(at: number): void {
    if (at === this.#at) return;
    this.cancel();
    this.#at = at;
    this.#timer = setTimeout(this.#fire, Math.max(0, at - performance.now()));
  }

  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }

  close(): void {
    this.cancel();
  }
}

/**
 * An alarm that calls `ring` when it goes off: rung by the helper through
 * `slot` when given (and `Atomics.waitAsync` exists), by setTimeout otherwise.
 */
export function startAlarm(ring: () => void, slot: AlarmSlot | null = null): Alarm {
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  if (slot === null || typeof waitAsync !== "function") return new TimeoutAlarm(ring);
  return new SharedAlarm(ring, slot, waitAsync);
}
