/**
 * Headers a documented response may list but the HTTP server sets (RFC 9112 §6, RFC 9110 §7.6.1):
 * compression, chunking and the connection are the transport's choice. The generic twin does not
 * send them from the spec, and neither the contract suite nor Dredd's replay requires them.
 */
const FRAMING_HEADERS = /^(content-(length|encoding)|transfer-encoding|connection|keep-alive|upgrade|te|trailer|proxy-connection)$/i;

/** Framing and hop-by-hop headers, and (for `withContentType`) Content-Type, which a server sets from the body it sends. */
export const isFramingHeader = (name: string, withContentType = true): boolean =>
  FRAMING_HEADERS.test(name) || (withContentType && /^content-type$/i.test(name));
