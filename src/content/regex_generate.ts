/**
 * Draws random strings from a compiled regex generator. Each regex is
 * compiled once into closures that write straight into the output bytes
 * (room for the longest draw is made once per draw, not per byte), and
 * choices (class members, alternatives, repeat counts) draw from the
 * generator's pool of 16-bit values ({@linkcode Random.index}).
 *
 * @module
 */
import type { ByteWriter } from "./buffers.ts";
import type { Random } from "./random.ts";
import { regexSizes } from "./regex.ts";
import type { RegexNode } from "./types.ts";

/** Appends one draw to `out`, which must have room for it already. */
export type Emit = (random: Random, out: ByteWriter) => void;

/** A regex ready to draw from. */
export interface CompiledRegex {
  /** Longest draw in bytes: make this much room before each `emit`. */
  readonly maxBytes: number;
  readonly emit: Emit;
}

const compiledByNode = new WeakMap<RegexNode, CompiledRegex>();

/** The compiled form of `node` (compiled on first use, then cached). */
export function compileRegex(node: RegexNode): CompiledRegex {
  let compiled = compiledByNode.get(node);
  if (compiled === undefined) {
    compiled = { maxBytes: regexSizes(node).max, emit: emitFor(node) };
    compiledByNode.set(node, compiled);
  }
  return compiled;
}

/** Appends one random string produced by `node` to `out`. */
export function generateRegex(node: RegexNode, random: Random, out: ByteWriter): void {
  const compiled = compileRegex(node);
  out.ensure(compiled.maxBytes);
  compiled.emit(random, out);
}

function emitFor(node: RegexNode): Emit {
  switch (node.type) {
    case "literal":
      return emitLiteral(node.bytes);
    case "class": {
      const members = node.members;
      const n = members.length;
      return (random, out) => {
        out.bytes[out.length++] = members[random.index(n)];
      };
    }
    case "sequence": {
      const items = node.items.map(emitFor);
      return (random, out) => {
        for (let i = 0; i < items.length; i++) items[i](random, out);
      };
    }
    case "alternation": {
      const options = node.options.map(emitFor);
      const n = options.length;
      return (random, out) => options[random.index(n)](random, out);
    }
    case "repeat":
      return emitRepeat(node);
  }
}

function emitLiteral(bytes: Uint8Array): Emit {
  const n = bytes.length;
  if (n === 1) {
    const byte = bytes[0];
    return (_random, out) => {
      out.bytes[out.length++] = byte;
    };
  }
  return (_random, out) => {
    const target = out.bytes;
    let at = out.length;
    for (let i = 0; i < n; i++) target[at++] = bytes[i];
    out.length = at;
  };
}

/** A repeat count in `[min, max]`: from the pool when the span allows, else the generator. */
function countFor(min: number, max: number): (random: Random) => number {
  const span = max - min + 1;
  if (span === 1) return () => min;
  if (span <= 65536) return (random) => min + random.index(span);
  return (random) => random.between(min, max);
}

function emitRepeat(node: Extract<RegexNode, { type: "repeat" }>): Emit {
  const count = countFor(node.min, node.max);
  const item = node.item;
  if (item.type === "class") {
    // `[a-z]+` and the like: the common case, one tight loop.
    const members = item.members;
    return (random, out) => {
      const n = count(random);
      random.pick(members, out.bytes, out.length, n);
      out.length += n;
    };
  }
  const emit = emitFor(item);
  return (random, out) => {
    for (let n = count(random); n > 0; n--) emit(random, out);
  };
}
