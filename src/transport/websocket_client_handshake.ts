/**
 * Client side of the WebSocket opening handshake: tcpkali's byte-exact
 * upgrade request, and an incremental check of the server's response.
 *
 * tcpkali treats the first received bytes, whatever they are, as the end of
 * the handshake. kali parses the `101` status line and the header fields
 * (the response may arrive split across reads), verifies
 * `Sec-WebSocket-Accept`, and tells how many bytes of the chunk belong to
 * the response, so frames arriving in the same read are kept.
 *
 * @module
 */
import { fieldTokens, fieldValues, HttpHeadReader } from "./http_head.ts";
import {
  computeAcceptKey,
  TCPKALI_ACCEPT_KEY,
  TCPKALI_WEBSOCKET_KEY,
  WEBSOCKET_VERSION,
} from "./websocket_handshake.ts";

/** What goes into an upgrade request. */
export interface UpgradeRequestOptions {
  /** The `Host` value: the first destination operand as typed (`127.1:1235`). */
  hostHeader: string;
  /**
   * The text after the first `/` of the first operand, **without** that
   * slash; "" gives `GET / HTTP/1.1`, "chat?x=1" gives `GET /chat?x=1 HTTP/1.1`.
   */
  path: string;
  /** Extra header lines (`-H` values, already evaluated), each sent followed by CRLF. */
  headers: readonly (string | Uint8Array)[];
  /** `Sec-WebSocket-Key`; default tcpkali's constant key. */
  key?: string;
}

const encoder = new TextEncoder();

/**
 * The upgrade request exactly as tcpkali writes it (CRLF line ends; the
 * `-H` lines follow `Sec-WebSocket-Version: 13`):
 *
 * ```
 * GET /<path> HTTP/1.1
 * Host: <hostHeader>
 * Upgrade: websocket
 * Connection: Upgrade
 * Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==
 * Sec-WebSocket-Version: 13
 * <each header>
 *
 * ```
 *
 * Strings are encoded as UTF-8; byte arrays are copied as they are.
 */
export function buildUpgradeRequest(options: UpgradeRequestOptions): Uint8Array {
  const prefix = encoder.encode(
    `GET /${options.path} HTTP/1.1\r\n` +
      `Host: ${options.hostHeader}\r\n` +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${options.key ?? TCPKALI_WEBSOCKET_KEY}\r\n` +
      `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n`,
  );
  const lines = options.headers.map((header) =>
    typeof header === "string" ? encoder.encode(header) : header
  );
  let total = prefix.length + 2;
  for (const line of lines) total += line.length + 2;
  const request = new Uint8Array(total);
  request.set(prefix, 0);
  let at = prefix.length;
  for (const line of lines) {
    request.set(line, at);
    at += line.length;
    request[at++] = 0x0d;
    request[at++] = 0x0a;
  }
  request[at++] = 0x0d;
  request[at] = 0x0a;
  return request;
}

/** What feeding a chunk to an {@link UpgradeResponseReader} gave. */
export type UpgradeResponseProgress =
  /** More bytes are needed; the whole chunk belonged to the response. */
  | { kind: "incomplete" }
  /** The server accepted; bytes after `consumed` are WebSocket frames. */
  | { kind: "accepted"; consumed: number }
  /** The server refused or answered nonsense; `status` is 0 when unparsable. */
  | { kind: "rejected"; status: number; reason: string };

/** Options for {@link UpgradeResponseReader}. */
export interface UpgradeResponseOptions {
  /** The key the request carried; default tcpkali's constant key. */
  key?: string;
  /** Bound on the response head; default 16 KiB. */
  maxHeadBytes?: number;
}

const STATUS_LINE = /^HTTP\/1\.(\d) (\d{3})(?: (.*))?$/;

/**
 * Reads one server's handshake response across reads. Feed received chunks
 * until the result is not `incomplete`.
 */
export class UpgradeResponseReader {
  readonly #head: HttpHeadReader;
  readonly #expectedAccept: string;

  constructor(options: UpgradeResponseOptions = {}) {
    this.#head = new HttpHeadReader(options.maxHeadBytes ?? 16384);
    this.#expectedAccept = options.key === undefined || options.key === TCPKALI_WEBSOCKET_KEY
      ? TCPKALI_ACCEPT_KEY
      : computeAcceptKey(options.key);
  }

  /** Takes `chunk[from, to)`; `consumed` in the result counts from `from`. */
  feed(chunk: Uint8Array, from = 0, to: number = chunk.length): UpgradeResponseProgress {
    const progress = this.#head.feed(chunk, from, to);
    if (progress.kind === "incomplete") return progress;
    if (progress.kind === "malformed") {
      return { kind: "rejected", status: 0, reason: `bad handshake response: ${progress.reason}` };
    }
    const { head, consumed } = progress;
    const status = STATUS_LINE.exec(head.startLine);
    if (status === null || status[1] === "0") {
      const line = JSON.stringify(head.startLine.slice(0, 60));
      return { kind: "rejected", status: 0, reason: `bad handshake status line ${line}` };
    }
    const code = Number(status[2]);
    // Every refusal names the status line received, which tells most.
    const answered = `server answered ${JSON.stringify(head.startLine.slice(0, 80))}`;
    if (code !== 101) return { kind: "rejected", status: code, reason: answered };
    if (!fieldTokens(head, "upgrade").includes("websocket")) {
      return { kind: "rejected", status: code, reason: `${answered} without Upgrade: websocket` };
    }
    if (!fieldTokens(head, "connection").includes("upgrade")) {
      return { kind: "rejected", status: code, reason: `${answered} without Connection: Upgrade` };
    }
    const accept = fieldValues(head, "sec-websocket-accept");
    if (accept.length !== 1 || accept[0] !== this.#expectedAccept) {
      const got = accept.length === 0 ? "none" : JSON.stringify(accept.join(", ").slice(0, 80));
      return {
        kind: "rejected",
        status: code,
        reason: `${answered} with Sec-WebSocket-Accept ${got}, expected ${this.#expectedAccept}`,
      };
    }
    return { kind: "accepted", consumed };
  }
}
