/**
 * The regular-expression subset of `\{re …}`, `\{connection.re …}` and
 * `\{global.re …}`: a generator grammar (no matching). Parses from a cursor
 * up to the expression's closing `}`, and computes min/avg/max sizes.
 *
 * @module
 */
import { type Cursor, isDigit, isSpace, MAX_NESTING } from "./cursor.ts";
import type { RegexNode } from "./types.ts";

/** At most this many alternatives, and this many pieces in one sequence. */
export const REGEX_LIMIT = 16;

/** Repeat bounds of `*` and `+`. */
const STAR_MAX = 16;

const CLASS_EXPECTING = "arbitrary string or regex character class range or ']'";

/** Bytes that end a literal run: `[ ] { } + ? | * ( )`. */
function isSpecial(byte: number): boolean {
  switch (byte) {
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x2b: // +
    case 0x3f: // ?
    case 0x7c: // |
    case 0x2a: // *
    case 0x28: // (
    case 0x29: // )
      return true;
  }
  return false;
}

function skipRegexSpace(cursor: Cursor): void {
  while (isSpace(cursor.peek())) cursor.at++;
}

/**
 * Most work one draw of a regex may take: bytes produced plus repeats run
 * (64 Mi). `re` draws per message and `global.re` while parsing, so an
 * unbounded `a{99999999}{99999999}` would hang the run.
 */
export const REGEX_MAX_WORK = 64 * 1024 * 1024;

/**
 * Parses a regex starting at the cursor; stops before the `}` that closes
 * the expression (or at the end of input, which the caller reports).
 * Groups and stacked repeats nest at most MAX_NESTING deep, and one draw
 * takes at most REGEX_MAX_WORK steps.
 */
export function parseRegex(cursor: Cursor): RegexNode {
  skipRegexSpace(cursor);
  const start = cursor.at;
  const node = parseAlternation(cursor, 0);
  if (!(drawWork(node) <= REGEX_MAX_WORK)) {
    cursor.failSemantic(
      cursor.text(start, cursor.at),
      `regular expression too large to draw (over ${REGEX_MAX_WORK} bytes and repeats)`,
      start,
    );
  }
  return node;
}

/** Upper bound of the steps one draw takes: bytes appended plus loop turns. */
function drawWork(node: RegexNode): number {
  switch (node.type) {
    case "literal":
      return Math.max(1, node.bytes.length);
    case "class":
      return 1;
    case "sequence":
      return node.items.reduce((sum, item) => sum + drawWork(item), 0);
    case "alternation":
      return Math.max(...node.options.map(drawWork));
    case "repeat":
      return Math.max(1, node.max * drawWork(node.item));
  }
}

/** `depth`: groups open around this point, each a level of recursion. */
function parseAlternation(cursor: Cursor, depth: number): RegexNode {
  const options = [parseSequence(cursor, depth)];
  while (cursor.peek() === 0x7c) {
    const bar = cursor.at++;
    if (options.length === REGEX_LIMIT) {
      cursor.failSemantic(
        "|",
        `more than ${REGEX_LIMIT} alternatives in a regular expression`,
        bar,
      );
    }
    options.push(parseSequence(cursor, depth));
  }
  return options.length === 1 ? options[0] : { type: "alternation", options };
}

function parseSequence(cursor: Cursor, depth: number): RegexNode {
  const items: RegexNode[] = [];
  const add = (node: RegexNode, offset: number) => {
    if (items.length === REGEX_LIMIT) {
      cursor.failSemantic(
        cursor.text(offset, Math.max(offset + 1, cursor.at)),
        `more than ${REGEX_LIMIT} pieces in a regular expression sequence`,
        offset,
      );
    }
    items.push(node);
  };
  for (;;) {
    skipRegexSpace(cursor);
    const start = cursor.at;
    const byte = cursor.peek();
    if (byte === -1 || byte === 0x7c || byte === 0x29 || byte === 0x7d) break;
    let atom: RegexNode;
    if (byte === 0x5b) {
      atom = parseClass(cursor);
    } else if (byte === 0x28) {
      if (depth === MAX_NESTING) failTooDeep(cursor);
      cursor.at++;
      atom = parseAlternation(cursor, depth + 1);
      if (cursor.peek() !== 0x29) cursor.failAtByte("')'");
      cursor.at++;
    } else if (isSpecial(byte)) {
      cursor.failAtByte();
    } else {
      while (!cursor.atEnd && !isSpecial(cursor.peek())) cursor.at++;
      const run = cursor.source.slice(start, cursor.at);
      skipRegexSpace(cursor);
      if (run.length > 1 && isQuantifier(cursor.peek())) {
        // A quantifier after a literal run applies to its last byte only.
        add({ type: "literal", bytes: run.slice(0, -1) }, start);
        atom = { type: "literal", bytes: run.slice(-1) };
      } else {
        atom = { type: "literal", bytes: run };
      }
    }
    add(parseQuantifiers(cursor, atom, depth), start);
  }
  if (items.length === 0) cursor.failAtByte();
  return items.length === 1 ? items[0] : { type: "sequence", items };
}

function isQuantifier(byte: number): boolean {
  return byte === 0x3f || byte === 0x2a || byte === 0x2b || byte === 0x7b;
}

/** Each stacked repeat (`a**`, `a{2}{3}`) nests one level more. */
function parseQuantifiers(cursor: Cursor, atom: RegexNode, depth: number): RegexNode {
  let node = atom;
  for (let stacked = depth;; stacked++) {
    skipRegexSpace(cursor);
    const byte = cursor.peek();
    if (isQuantifier(byte) && stacked === MAX_NESTING) failTooDeep(cursor);
    if (byte === 0x3f) node = { type: "repeat", item: node, min: 0, max: 1 };
    else if (byte === 0x2a) node = { type: "repeat", item: node, min: 0, max: STAR_MAX };
    else if (byte === 0x2b) node = { type: "repeat", item: node, min: 1, max: STAR_MAX };
    else if (byte === 0x7b) {
      node = parseBraces(cursor, node);
      continue;
    } else return node;
    cursor.at++;
  }
}

function failTooDeep(cursor: Cursor): never {
  cursor.failSemantic(
    cursor.text(cursor.at, cursor.at + 1),
    `regular expression nested deeper than ${MAX_NESTING} levels`,
  );
}

/** `{n}` or `{n,m}` (swapped when m < n). */
function parseBraces(cursor: Cursor, item: RegexNode): RegexNode {
  cursor.at++; // {
  if (!isDigit(cursor.peek())) cursor.failAtByte("repetition count");
  const min = Number(cursor.digits());
  let max = min;
  if (cursor.peek() === 0x2c) {
    cursor.at++;
    if (!isDigit(cursor.peek())) cursor.failAtByte("repetition count");
    max = Number(cursor.digits());
  }
  if (cursor.peek() !== 0x7d) cursor.failAtByte("'}'");
  cursor.at++;
  return { type: "repeat", item, min: Math.min(min, max), max: Math.max(min, max) };
}

/** `[…]`: members and `x-y` ranges, unioned; `-` first or last is literal. */
function parseClass(cursor: Cursor): RegexNode {
  cursor.at++; // [
  const members = new Set<number>();
  for (;;) {
    const byte = cursor.peek();
    if (byte === -1) cursor.failAtByte(CLASS_EXPECTING);
    if (byte === 0x5d) {
      if (members.size === 0) cursor.failAtByte("arbitrary string or regex character class range");
      cursor.at++;
      break;
    }
    const end = cursor.peek(2);
    if (cursor.peek(1) === 0x2d && end !== -1 && end !== 0x5d) {
      const [low, high] = byte <= end ? [byte, end] : [end, byte];
      for (let b = low; b <= high; b++) members.add(b);
      cursor.at += 3;
    } else {
      members.add(byte);
      cursor.at++;
    }
  }
  return { type: "class", members: Uint8Array.from([...members].sort((a, b) => a - b)) };
}

/** Sizes a regex can produce: tcpkali's bookkeeping (integer averages). */
export interface SizeRange {
  min: number;
  avg: number;
  max: number;
}

/** Min, average and max output size of a regex node. */
export function regexSizes(node: RegexNode): SizeRange {
  switch (node.type) {
    case "literal": {
      const n = node.bytes.length;
      return { min: n, avg: n, max: n };
    }
    case "class":
      return { min: 1, avg: 1, max: 1 };
    case "sequence":
      return node.items.map(regexSizes).reduce(
        (sum, s) => ({ min: sum.min + s.min, avg: sum.avg + s.avg, max: sum.max + s.max }),
        { min: 0, avg: 0, max: 0 },
      );
    case "alternation": {
      const sizes = node.options.map(regexSizes);
      return {
        min: Math.min(...sizes.map((s) => s.min)),
        avg: Math.floor(sizes.reduce((sum, s) => sum + s.avg, 0) / sizes.length),
        max: Math.max(...sizes.map((s) => s.max)),
      };
    }
    case "repeat": {
      const inner = regexSizes(node.item);
      return {
        min: inner.min * node.min,
        avg: Math.floor((inner.avg * (node.min + node.max)) / 2),
        max: inner.max * node.max,
      };
    }
  }
}
