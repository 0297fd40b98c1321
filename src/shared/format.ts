/**
 * Number formats shared by tcpkali's output lines.
 *
 * @module
 */

/** C's `%g`: six significant digits, no trailing zeros. */
export function g(value: number): string {
  if (value === 0) return "0";
  if (!Number.isFinite(value)) return String(value);
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, exp] = value.toExponential(5).split("e");
    const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const n = Number(exp);
    return `${trimmed}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const fixed = value.toFixed(Math.max(0, 5 - exponent));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** tcpkali's byte size: bytes below 2 KiB, KiB below 512 KiB, else MiB. */
export function byteSize(bytes: number): string {
  if (bytes < 2048) return `${bytes} bytes`;
  if (bytes < 524288) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/**
 * C `printf("%.<digits>f", x)`: like `toFixed`, except that a value exactly
 * halfway between two outputs rounds to the even one (`0.25` → `0.2`).
 */
export function formatFixed(x: number, digits: number): string {
  // Exact halfway cases are the binary fractions x = odd / 2^(digits+1).
  const halves = x * 2 ** (digits + 1);
  if (Number.isInteger(halves) && halves % 2 !== 0 && Math.abs(halves) < 2 ** 52) {
    const scale = 10 ** digits;
    let units = Math.floor(x * scale);
    if (units % 2 !== 0) units += 1;
    return (units / scale).toFixed(digits);
  }
  return x.toFixed(digits);
}
