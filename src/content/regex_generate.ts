/**
 * Draws random strings from a compiled regex generator.
 *
 * @module
 */
import type { ByteWriter } from "./buffers.ts";
import type { Random } from "./random.ts";
import type { RegexNode } from "./types.ts";

/** Appends one random string produced by `node` to `out`. */
export function generateRegex(node: RegexNode, random: Random, out: ByteWriter): void {
  switch (node.type) {
    case "literal":
      out.append(node.bytes);
      return;
    case "class":
      out.push(node.members[random.below(node.members.length)]);
      return;
    case "sequence":
      for (const item of node.items) generateRegex(item, random, out);
      return;
    case "alternation":
      generateRegex(node.options[random.below(node.options.length)], random, out);
      return;
    case "repeat": {
      const count = random.between(node.min, node.max);
      for (let i = 0; i < count; i++) generateRegex(node.item, random, out);
      return;
    }
  }
}
