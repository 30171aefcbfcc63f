/** Request header carrying the TCP peer's address to route handlers (Next does not expose the socket). The custom
 * server sets it on every request, over anything a client sent. */
export const PEER_HEADER = "x-hearth-peer-address";
