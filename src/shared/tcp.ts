/**
 * TCP facts shared by the engine (write sizes) and the report (packet estimate).
 *
 * @module
 */

/** tcpkali's maximum segment size: messages up to one MSS go out whole. */
export const MSS = 1460;
