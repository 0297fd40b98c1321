/**
 * tcpkali's numeric value syntax: a C `strtod` number immediately followed
 * by an optional unit suffix that must match one table entry exactly.
 *
 * @module
 */

/** The kinds of numeric option value tcpkali distinguishes. */
export type UnitKind = "count" | "size" | "time" | "bandwidth";

/** Outcome of parsing one value: a number or the reason it is invalid. */
export type ParsedValue =
  | { ok: true; value: number }
  | { ok: false; reason: "no-number" }
  | { ok: false; reason: "unknown-suffix"; suffix: string }
  | { ok: false; reason: "infinite" };

const COUNT_SUFFIXES: Record<string, number> = { "": 1, k: 1e3, m: 1e6 };
const SIZE_SUFFIXES: Record<string, number> = { "": 1, k: 1024, m: 1024 * 1024 };
const TIME_SUFFIXES: Record<string, number> = {
  "": 1,
  ms: 0.001,
  millisecond: 0.001,
  milliseconds: 0.001,
  s: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  y: 31536000,
  year: 31536000,
  years: 31536000,
};
const BANDWIDTH_SUFFIXES: Record<string, number> = {
  "": 1,
  bps: 1 / 8,
  kbps: 125,
  Kbps: 125,
  mbps: 125000,
  Mbps: 125000,
  gbps: 125000000,
  Gbps: 125000000,
  Bps: 1,
  kBps: 1e3,
  KBps: 1e3,
  mBps: 1e6,
  MBps: 1e6,
  gBps: 1e9,
  GBps: 1e9,
};

const SUFFIXES: Record<UnitKind, Record<string, number>> = {
  count: COUNT_SUFFIXES,
  size: SIZE_SUFFIXES,
  time: TIME_SUFFIXES,
  bandwidth: BANDWIDTH_SUFFIXES,
};

// strtod's accepted prefix: blanks, sign, then inf/nan, hex or decimal.
const STRTOD =
  /^[ \t\n\v\f\r]*[+-]?(?:inf(?:inity)?|nan|0x(?:[0-9a-f]+(?:\.[0-9a-f]*)?|\.[0-9a-f]+)(?:p[+-]?\d+)?|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)/i;

/** Splits `text` into the longest prefix C `strtod` accepts and the rest. */
export function splitNumber(text: string): { number: number; rest: string } | null {
  const match = STRTOD.exec(text);
  if (!match) return null;
  return { number: strtodValue(match[0].trim()), rest: text.slice(match[0].length) };
}

function strtodValue(token: string): number {
  const sign = token.startsWith("-") ? -1 : 1;
  const body = token.replace(/^[+-]/, "").toLowerCase();
  if (body.startsWith("inf")) return sign * Infinity;
  if (body === "nan") return NaN;
  if (!body.startsWith("0x")) return sign * Number(body);
  const [mantissa, exponent = "0"] = body.slice(2).split("p");
  const [whole, fraction = ""] = mantissa.split(".");
  let value = whole ? parseInt(whole, 16) : 0;
  for (let i = 0; i < fraction.length; i++) value += parseInt(fraction[i], 16) / 16 ** (i + 1);
  return sign * value * 2 ** Number(exponent);
}

/**
 * Parses a value of the given kind. Time values come back in seconds,
 * bandwidth in bytes per second, sizes in bytes.
 */
export function parseUnitValue(text: string, kind: UnitKind): ParsedValue {
  const split = splitNumber(text);
  if (!split) return { ok: false, reason: "no-number" };
  const multiplier = SUFFIXES[kind][split.rest];
  if (multiplier === undefined || !Object.hasOwn(SUFFIXES[kind], split.rest)) {
    return { ok: false, reason: "unknown-suffix", suffix: split.rest };
  }
  const value = split.number * multiplier;
  if (!Number.isFinite(value) && !Number.isNaN(value)) return { ok: false, reason: "infinite" };
  if (Number.isNaN(value)) return { ok: false, reason: "no-number" };
  return { ok: true, value };
}

/** C `atoi`: leading blanks, optional sign, digits; anything else stops it. */
export function atoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (!match) return 0;
  const value = parseInt(match[1], 10);
  // atoi wraps to a C int; clamp instead of inventing a wrapped value.
  return Math.max(-2147483648, Math.min(2147483647, value));
}
