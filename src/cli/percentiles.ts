/**
 * `--latency-percentiles LIST`: tcpkali's list syntax and error texts.
 *
 * LIST is numbers separated by `,` or `/` (a trailing separator is fine).
 * Each number is read like C `strtod`, then must lie in [0, 100], consist of
 * digits with at most one `.` followed by digits (a leading blank or `+` is
 * allowed and dropped from the label), and be at most 7 characters long.
 * The option may be repeated; values append.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { splitNumber } from "./units.ts";
import { UsageError } from "../errors.ts";

/** What tcpkali reports when latency is measured and no list was given. */
export const DEFAULT_PERCENTILES: readonly Percentile[] = [
  { label: "95", value: 95 },
  { label: "99", value: 99 },
  { label: "99.5", value: 99.5 },
];

const OPTION = "--latency-percentiles";
/** Longest label accepted (tcpkali keeps labels in an 8-byte C string). */
const MAX_LABEL_LENGTH = 7;

/**
 * Parses one `--latency-percentiles` argument and returns `previous`
 * followed by its values (an empty argument adds nothing). Throws
 * {@link UsageError} (exit 64) with tcpkali's message on bad input.
 */
export function parsePercentiles(
  text: string,
  previous: readonly Percentile[] = [],
): Percentile[] {
  const fail = (reason: string) => new UsageError(`${OPTION}: ${text}: ${reason}`);
  const result = [...previous];
  let pos = 0;
  while (pos < text.length) {
    const rest = text.slice(pos);
    const number = splitNumber(rest);
    if (!number) throw fail("Failed to parse: bad number");
    const value = number.number;
    if (!(value >= 0 && value <= 100)) {
      throw fail(
        "Failed to parse: bad latency percentile specification, expected range is [0..100]",
      );
    }
    const token = rest.slice(0, rest.length - number.rest.length);
    const label = checkToken(token, fail);
    if (label.length > MAX_LABEL_LENGTH) {
      throw fail("Unreasonably precise percentile specification");
    }
    const separator = number.rest[0];
    if (separator !== undefined && separator !== "," && separator !== "/") {
      throw fail("Failed to parse: invalid separator, use ',' or '/'");
    }
    result.push({ label, value });
    pos += token.length + 1;
  }
  return result;
}

/**
 * Checks the characters of one number as tcpkali does and returns its label:
 * leading blanks and `+` are dropped, then only digits and a `.` that is not
 * last may follow.
 */
function checkToken(token: string, fail: (reason: string) => UsageError): string {
  let start = 0;
  while (start < token.length && (token[start] === " " || token[start] === "+")) start++;
  for (let i = start; i < token.length; i++) {
    const c = token[i];
    if (c === ".") {
      if (i === token.length - 1) throw fail("Fractional part is missing");
    } else if (c < "0" || c > "9") {
      throw fail("Number should contain only digits");
    }
  }
  return token.slice(start);
}
