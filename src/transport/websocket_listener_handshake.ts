/**
 * Listener side of the WebSocket opening handshake: an incremental request
 * reader and the responses to write.
 *
 * Where kali deliberately differs from tcpkali 1.2.0:
 * - the request is buffered across reads (tcpkali examines each read on its
 *   own and closes on any chunk ending in a short line);
 * - it must be a real upgrade request: `GET <target> HTTP/1.1` (or a later
 *   1.x), `Upgrade: websocket`, `Connection: Upgrade`,
 *   `Sec-WebSocket-Version: 13` and exactly one non-empty
 *   `Sec-WebSocket-Key` (tcpkali only looks for the key line anywhere, so
 *   `hello\nSec-WebSocket-Key: abc\r\n` passes there and not here);
 * - the key is not limited to 26 bytes nor its line end to 30 bytes after
 *   the colon; any key of visible ASCII is accepted (tcpkali's `abc`
 *   included) unless `strictKey` asks for 16 base64-encoded bytes;
 * - a refused request is answered with an HTTP error (400; 426 for another
 *   protocol version; 431 for a head over the size limit) before closing,
 *   where tcpkali closes silently;
 * - `Host` is not required (tcpkali never required it).
 * The `101 Switching Protocols` response itself is byte-identical to
 * tcpkali's (129 bytes for tcpkali's key).
 *
 * @module
 */
import { fieldTokens, fieldValues, HttpHeadReader } from "./http_head.ts";
import { computeAcceptKey, WEBSOCKET_VERSION } from "./websocket_handshake.ts";

const encoder = new TextEncoder();

let cachedKey = "";
let cachedResponse = new Uint8Array(0);

/**
 * tcpkali's exact `101 Switching Protocols` response for `key`:
 *
 * ```
 * HTTP/1.1 101 Switching Protocols
 * Upgrade: websocket
 * Connection: Upgrade
 * Sec-WebSocket-Accept: <base64(SHA-1(key + GUID))>
 *
 * ```
 *
 * The last response is cached (every tcpkali client sends the same key), so
 * the returned bytes are shared: never modify them.
 */
export function switchingProtocolsResponse(key: string): Uint8Array {
  if (key !== cachedKey || cachedResponse.length === 0) {
    cachedResponse = encoder.encode(
      "HTTP/1.1 101 Switching Protocols\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${computeAcceptKey(key)}\r\n` +
        "\r\n",
    );
    cachedKey = key;
  }
  return cachedResponse;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
};

/**
 * An HTTP error response refusing the handshake, with `reason` as a
 * plain-text body and `Connection: close`; a 426 also carries
 * `Sec-WebSocket-Version: 13` (RFC 6455 §4.4).
 */
export function handshakeErrorResponse(status: number, reason: string): Uint8Array {
  const body = encoder.encode(`${reason}\n`);
  const head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
    "Connection: close\r\n" +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${body.length}\r\n` +
    (status === 426 ? `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n` : "") +
    "\r\n";
  const headBytes = encoder.encode(head);
  const response = new Uint8Array(headBytes.length + body.length);
  response.set(headBytes, 0);
  response.set(body, headBytes.length);
  return response;
}

/** What feeding a chunk to an {@link UpgradeRequestReader} gave. */
export type UpgradeRequestProgress =
  /** More bytes are needed; the whole chunk belonged to the request. */
  | { kind: "incomplete" }
  /**
   * A valid upgrade request: write `response` (the 101), then treat the
   * bytes after `consumed` as WebSocket frames.
   */
  | { kind: "upgrade"; consumed: number; key: string; target: string; response: Uint8Array }
  /** Refused: write `response` (an HTTP error), then close. */
  | { kind: "refuse"; status: number; reason: string; response: Uint8Array };

/** Options for {@link UpgradeRequestReader}. */
export interface UpgradeRequestOptions {
  /** Bound on the request head; beyond it the answer is 431. Default 8 KiB. */
  maxHeadBytes?: number;
  /** Require the key to be 16 bytes in base64 (24 characters), as RFC 6455 says. Default false. */
  strictKey?: boolean;
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d)\.(\d)$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const BASE64_16_BYTES = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

function refuse(status: number, reason: string): UpgradeRequestProgress {
  return { kind: "refuse", status, reason, response: handshakeErrorResponse(status, reason) };
}

/**
 * Reads one client's upgrade request across reads. Feed received chunks
 * until the result is not `incomplete`.
 */
export class UpgradeRequestReader {
  readonly #head: HttpHeadReader;
  readonly #strictKey: boolean;

  constructor(options: UpgradeRequestOptions = {}) {
    this.#head = new HttpHeadReader(options.maxHeadBytes ?? 8192);
    this.#strictKey = options.strictKey ?? false;
  }

  /** Takes `chunk[from, to)`; `consumed` in the result counts from `from`. */
  feed(chunk: Uint8Array, from = 0, to: number = chunk.length): UpgradeRequestProgress {
    const progress = this.#head.feed(chunk, from, to);
    if (progress.kind === "incomplete") return progress;
    if (progress.kind === "malformed") {
      return progress.tooLarge
        ? refuse(431, "WebSocket upgrade request too large")
        : refuse(400, `malformed HTTP request: ${progress.reason}`);
    }
    const { head, consumed } = progress;
    const line = REQUEST_LINE.exec(head.startLine);
    if (line === null) return refuse(400, "malformed HTTP request line");
    const [, method, target, major, minor] = line;
    if (major !== "1" || minor === "0") {
      return refuse(400, `WebSocket needs HTTP/1.1, got HTTP/${major}.${minor}`);
    }
    if (method !== "GET") return refuse(400, `WebSocket upgrade needs GET, got ${method}`);
    if (!fieldTokens(head, "upgrade").includes("websocket")) {
      return refuse(400, "missing Upgrade: websocket");
    }
    if (!fieldTokens(head, "connection").includes("upgrade")) {
      return refuse(400, "missing Connection: Upgrade");
    }
    const versions = fieldValues(head, "sec-websocket-version");
    if (versions.length !== 1 || versions[0] !== WEBSOCKET_VERSION) {
      return refuse(426, `unsupported Sec-WebSocket-Version, kali speaks ${WEBSOCKET_VERSION}`);
    }
    const keys = fieldValues(head, "sec-websocket-key");
    if (keys.length !== 1) {
      return refuse(
        400,
        keys.length === 0 ? "missing Sec-WebSocket-Key" : "repeated Sec-WebSocket-Key",
      );
    }
    const key = keys[0];
    const valid = this.#strictKey ? BASE64_16_BYTES.test(key) : VISIBLE_ASCII.test(key);
    if (!valid) return refuse(400, "invalid Sec-WebSocket-Key");
    return { kind: "upgrade", consumed, key, target, response: switchingProtocolsResponse(key) };
  }
}
