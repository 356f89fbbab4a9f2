/**
 * The suite's HTTP client: plain fetch against the target, recording each
 * request exactly as sent (so a failure can be repeated with curl) and the
 * response with its body parsed as JSON whatever the Content-Type claims
 * (checks judge the Content-Type separately).
 */
import type { HttpExchange, RecordedRequest } from './types.js';

export interface SendOptions {
  operationId?: string;
  method: string;
  /** Path below the base URL, with its query string. */
  path: string;
  /** A JSON value (serialized), or a raw string sent as is. */
  body?: unknown;
  raw?: boolean;
  contentType?: string;
  /** `null` sends no credentials; undefined uses the client's. */
  auth?: { user: string; password: string } | null;
  headers?: Record<string, string>;
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number;
}

export interface HttpClient {
  readonly baseUrl: string;
  send(opts: SendOptions): Promise<HttpExchange>;
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function createHttpClient(
  baseUrl: string,
  defaults: { auth?: { user: string; password: string }; timeoutMs?: number } = {},
): HttpClient {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = defaults.timeoutMs ?? 10_000;
  return {
    baseUrl: base,
    async send(opts) {
      const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
      const auth = opts.auth === undefined ? defaults.auth : opts.auth;
      if (auth) headers.Authorization = basicAuthorization(auth.user, auth.password);
      let body: string | undefined;
      // Fetch cannot send a body with GET or HEAD (a spec may still document one): it goes without.
      const bodyless = ['GET', 'HEAD'].includes(opts.method.toUpperCase());
      if (opts.body !== undefined && !bodyless && !opts.raw && isMultipart(opts.contentType)) {
        // A multipart form as fetch writes one (its boundary in the Content-Type), kept as text for the
        // report; a body that is one value, not an object (noosh's binary file), is its one part.
        const encoded = new Response(multipartForm(isPlainObject(opts.body) ? opts.body : { file: opts.body }));
        body = await encoded.text();
        headers['Content-Type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
      } else if (opts.body !== undefined && !bodyless) {
        body = opts.raw ? String(opts.body) : encodeBody(opts.body, opts.contentType);
        headers['Content-Type'] = concreteMediaType(opts.contentType) ?? 'application/json';
      } else if (opts.contentType) {
        headers['Content-Type'] = concreteMediaType(opts.contentType) ?? opts.contentType;
      }
      const request: RecordedRequest = { method: opts.method.toUpperCase(), url: `${base}${opts.path}`, headers, body };
      const started = performance.now();
      const go = () =>
        fetch(request.url, {
          method: request.method,
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(opts.timeoutMs ?? timeoutMs),
        });
      // A keep-alive socket the server closed while this process was busy (compiling validators) fails once
      // with a reset before the request is sent; undici does not retry it, so the request goes once more.
      const res = await go().catch((err: unknown) => {
        const code = (err as { cause?: { code?: string } }).cause?.code;
        if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return go();
        throw err;
      });
      const text = await res.text();
      let parsed: unknown;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      return {
        operationId: opts.operationId,
        request,
        response: { status: res.status, headers: Object.fromEntries(res.headers), body: parsed, text },
        durationMs: performance.now() - started,
      };
    },
  };
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The request as a curl command line (credentials shown as `-u`, so it can be pasted as is). */
export function toCurl(req: RecordedRequest): string {
  const parts = ['curl', '-i', '-X', req.method];
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'Accept') continue;
    const basic = name.toLowerCase() === 'authorization' ? /^Basic\s+(.+)$/i.exec(value) : null;
    if (basic?.[1]) {
      parts.push('-u', shellQuote(Buffer.from(basic[1], 'base64').toString('utf8')));
      continue;
    }
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (req.body !== undefined) parts.push('--data-raw', shellQuote(req.body));
  parts.push(shellQuote(req.url));
  return parts.join(' ');
}

const isMultipart = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase() === 'multipart/form-data';
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A body's members as the parts of a multipart form: text as it is, anything else as JSON, an array's items repeated. */
export function multipartForm(body: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(body)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item !== undefined) form.append(k, typeof item === 'string' ? item : JSON.stringify(item));
    }
  }
  return form;
}

/**
 * The media type a body is sent as where the operation documents a range (`*\/*`, `text/*`): a
 * Content-Type names one type (RFC 9110 §8.3), and the body is written as JSON (text for `text/*`).
 */
export function concreteMediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.includes('*')) return contentType;
  const [major] = contentType.split('/');
  if (major === '*' || major === 'application') return 'application/json';
  return `${major}/${major === 'text' ? 'plain' : 'octet-stream'}`;
}

/** A body as its media type carries it: a form's members as `application/x-www-form-urlencoded` (arrays repeated), else JSON. */
export function encodeBody(body: unknown, contentType: string | undefined): string {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded' && typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item !== undefined) form.append(k, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
      }
    }
    return form.toString();
  }
  return JSON.stringify(body);
}
