/**
 * MessageSources: what one connection writes. Constant content shares one
 * replicated block; per-connection content is rendered once and replicated;
 * per-message content (`re`) is re-rendered in place on every refill.
 *
 * @module
 */
import { ByteWriter, OffsetList } from "./buffers.ts";
import { MARKER_DIGITS_AT, writeMarkerDigits } from "./marker.ts";
import { type Op, programSizes, regeneratesPerMessage } from "./program.ts";
import type { Random } from "./random.ts";
import { compileRender, type MessageRenderer, renderOps } from "./render.ts";
import type { MessageSource } from "./types.ts";

/** `copies` back-to-back copies of `message`, at least `minBytes` long. */
export function replicate(message: Uint8Array, minBytes: number): Uint8Array {
  if (message.length === 0) return message;
  const copies = Math.max(1, Math.ceil(minBytes / message.length));
  const block = new Uint8Array(copies * message.length);
  for (let i = 0; i < copies; i++) block.set(message, i * message.length);
  return block;
}

/** One source shared by every connection: content without expressions that vary. */
export function sharedSource(
  first: Uint8Array,
  message: Uint8Array,
  minBlockBytes: number,
): MessageSource {
  return {
    first,
    messageSize: message.length,
    block: replicate(message, minBlockBytes),
    refill() {},
  };
}

const EMPTY = new Uint8Array(0);

/** A connection's own source, rendered from bound programs. */
export class RenderedSource implements MessageSource {
  first: Uint8Array;
  block: Uint8Array = EMPTY;
  readonly messageSize: number;
  stamp?: (buffer: Uint8Array, from: number, to: number, epochMicros: number) => void;

  /** Renders one repeated message; compiled once per source. */
  readonly #renderer: MessageRenderer;
  readonly #random: Random;
  readonly #minBlockBytes: number;
  readonly #regenerate: boolean;
  readonly #maxMessageBytes: number;
  #writer = new ByteWriter(16);
  readonly #firstMarkers = new OffsetList(1);
  readonly #blockMarkers = new OffsetList();
  /** The digits of the current stamp, read back as four 32-bit words. */
  readonly #digitBytes = new Uint8Array(16);
  readonly #digits = new DataView(this.#digitBytes.buffer);
  /** A view of the memory of the buffer stamped last. */
  #view: DataView | null = null;

  constructor(firstOps: Op[], messageOps: Op[], random: Random, minBlockBytes: number) {
    this.#renderer = compileRender(messageOps);
    this.#random = random;
    this.#minBlockBytes = minBlockBytes;
    this.#regenerate = regeneratesPerMessage(messageOps);
    const sizes = programSizes(messageOps);
    this.#maxMessageBytes = this.#renderer.maxBytes;

    const firstWriter = new ByteWriter(64);
    renderOps(firstOps, random, firstWriter, this.#firstMarkers);
    this.first = firstWriter.copy();

    if (this.#regenerate) {
      this.messageSize = sizes.avg;
      this.#writer = new ByteWriter(minBlockBytes + Math.min(sizes.max, minBlockBytes) + 64);
      this.refill();
    } else {
      this.messageSize = this.#renderReplicated();
    }
    if (this.#firstMarkers.count > 0 || this.#blockMarkers.count > 0) {
      this.stamp = (buffer, from, to, epochMicros) => this.#stamp(buffer, from, to, epochMicros);
    }
  }

  /** Renders one message, replicates it to the block size; returns its size. */
  #renderReplicated(): number {
    const one = new ByteWriter(64);
    const markers = new OffsetList(1);
    this.#renderer.render(this.#random, one, markers);
    const size = one.length;
    this.block = replicate(one.view(), this.#minBlockBytes);
    const copies = size === 0 ? 0 : this.block.length / size;
    for (let copy = 0; copy < copies && markers.count > 0; copy++) {
      for (let i = 0; i < markers.count; i++) {
        this.#blockMarkers.push(copy * size + markers.offsets[i]);
      }
    }
    return size;
  }

  /**
   * Re-renders the block with fresh per-message content (no-op otherwise):
   * a whole block of messages at a time, into the same buffer.
   */
  refill(): void {
    if (!this.#regenerate) return;
    const writer = this.#writer;
    const renderer = this.#renderer;
    const random = this.#random;
    const markers = this.#blockMarkers;
    const minBytes = this.#minBlockBytes;
    writer.length = 0;
    markers.count = 0;
    if (this.#maxMessageBytes > 0) {
      // Zero-length draws are possible (`a?`), so bound the number of copies.
      for (let copies = 0; writer.length < minBytes && copies <= minBytes; copies++) {
        renderer.render(random, writer, markers);
      }
    }
    this.block = writer.view();
  }

  /**
   * Writes the digits of `epochMicros` into every marker starting in
   * `[from, to)` of `buffer`: four 32-bit stores a marker (16 byte stores
   * cost about eight times as much).
   */
  #stamp(buffer: Uint8Array, from: number, to: number, epochMicros: number): void {
    const markers = buffer === this.first
      ? this.#firstMarkers
      : buffer === this.block
      ? this.#blockMarkers
      : undefined;
    if (markers === undefined || markers.count === 0) return;
    const digits = this.#digits;
    writeMarkerDigits(this.#digitBytes, 0, epochMicros);
    const d0 = digits.getUint32(0, true);
    const d1 = digits.getUint32(4, true);
    const d2 = digits.getUint32(8, true);
    const d3 = digits.getUint32(12, true);
    let view = this.#view;
    if (view === null || view.buffer !== buffer.buffer) {
      view = this.#view = new DataView(buffer.buffer);
    }
    const base = buffer.byteOffset + MARKER_DIGITS_AT;
    const offsets = markers.offsets;
    for (let i = markers.firstAtOrAfter(from); i < markers.count && offsets[i] < to; i++) {
      const at = base + offsets[i];
      view.setUint32(at, d0, true);
      view.setUint32(at + 4, d1, true);
      view.setUint32(at + 8, d2, true);
      view.setUint32(at + 12, d3, true);
    }
  }
}
