/**
 * What both ends of the WebSocket opening handshake share: tcpkali's
 * constant client key, the RFC 6455 GUID, and the `Sec-WebSocket-Accept`
 * computation. The client side lives in `websocket_client_handshake.ts`,
 * the listener side in `websocket_listener_handshake.ts`.
 *
 * @module
 */
import { sha1 } from "./sha1.ts";

/** The `Sec-WebSocket-Key` tcpkali sends on every connection. */
export const TCPKALI_WEBSOCKET_KEY = "x3JJHMbDL1EzLkh9GBhXDw==";

/** The GUID appended to the key before hashing (RFC 6455 §1.3). */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The only protocol version kali speaks. */
export const WEBSOCKET_VERSION = "13";

/**
 * `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)), computed
 * synchronously. For tcpkali's key it is `HSmrc0sMlYUkAGmm5OPpG2HaGWk=`.
 * The key is taken byte for byte (one byte per character).
 */
export function computeAcceptKey(key: string): string {
  const text = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return btoa(String.fromCharCode(...sha1(bytes)));
}

/** The accept value a server must answer tcpkali's key with. */
export const TCPKALI_ACCEPT_KEY: string = computeAcceptKey(TCPKALI_WEBSOCKET_KEY);
