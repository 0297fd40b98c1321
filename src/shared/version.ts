/**
 * kali's own version, for `--version` and the results it writes.
 *
 * @module
 */

/** kali's own version; the report format is tcpkali 1.2.0's. */
export const VERSION = "0.1.0";
