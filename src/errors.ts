/**
 * The one error type of apitwin and its catalogue of templates.
 *
 * Domain code throws `ApiError.from(Errors.X, detail)`; the single mapper in
 * `toApiError` turns anything thrown (and openapi-backend's routing and
 * validation failures) into an ApiError, and each twin renders it in its own
 * error document (MaxScale: JSON API `errors`; pip: ErrorDescription).
 */
export interface ErrorTemplate {
  readonly status: number;
  /** Stable, machine-readable code; never parse `detail`. */
  readonly code: string;
  readonly title: string;
}

export const Errors = {
  BAD_REQUEST: { status: 400, code: 'BAD_REQUEST', title: 'Bad Request' },
  INVALID_JSON: { status: 400, code: 'INVALID_JSON', title: 'Bad Request' },
  VALIDATION_FAILED: { status: 400, code: 'VALIDATION_FAILED', title: 'Bad Request' },
  UNAUTHORIZED: { status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized' },
  FORBIDDEN: { status: 403, code: 'FORBIDDEN', title: 'Forbidden' },
  /** A well-formed document the API refuses (MaxScale answers every refusal with 403). */
  DOCUMENT_REFUSED: { status: 403, code: 'DOCUMENT_REFUSED', title: 'Forbidden' },
  MISSING_BODY: { status: 403, code: 'MISSING_BODY', title: 'Forbidden' },
  /** MaxScale answers a `basic` (read-only) account's write with 401 (Resources-User.md). */
  READ_ONLY_USER: { status: 401, code: 'READ_ONLY_USER', title: 'Unauthorized' },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND', title: 'Not Found' },
  ROUTE_NOT_FOUND: { status: 404, code: 'ROUTE_NOT_FOUND', title: 'Not Found' },
  METHOD_NOT_ALLOWED: { status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method Not Allowed' },
  NOT_ACCEPTABLE: { status: 406, code: 'NOT_ACCEPTABLE', title: 'Not Acceptable' },
  CONFLICT: { status: 409, code: 'CONFLICT', title: 'Conflict' },
  PRECONDITION_FAILED: { status: 412, code: 'PRECONDITION_FAILED', title: 'Precondition Failed' },
  PAYLOAD_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Payload Too Large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported Media Type' },
  INTERNAL: { status: 500, code: 'INTERNAL', title: 'Internal Server Error' },
  RESPONSE_INVALID: { status: 500, code: 'RESPONSE_INVALID', title: 'Internal Server Error' },
  NOT_IMPLEMENTED: { status: 501, code: 'NOT_IMPLEMENTED', title: 'Not Implemented' },
} as const satisfies Record<string, ErrorTemplate>;

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly source: ErrorSource | undefined;
  readonly headers: Record<string, string>;
  /** Extra, twin-specific fields (for example pip's `details`). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    template: ErrorTemplate,
    detail: string,
    extra: { source?: ErrorSource; headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ApiError';
    this.status = template.status;
    this.code = template.code;
    this.title = template.title;
    this.detail = detail;
    this.source = extra.source;
    this.headers = extra.headers ?? {};
    this.details = extra.details;
  }

  static from(
    template: ErrorTemplate,
    detail: string,
    extra?: { source?: ErrorSource; headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown },
  ): ApiError {
    return new ApiError(template, detail, extra);
  }
}

/** Body-parser marks its failures with a `type`; we key on that, not on messages. */
interface BodyParserError {
  type: string;
  status?: number;
  message?: string;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}

function isClientHttpError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The single mapper from anything thrown to an ApiError. Unknown errors become
 * a generic 500 whose detail does not leak internals (no stack traces).
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.parse.failed':
        return ApiError.from(Errors.INVALID_JSON, `Invalid JSON in request body: ${err.message ?? 'parse error'}`, { cause: err });
      case 'entity.too.large':
        return ApiError.from(Errors.PAYLOAD_TOO_LARGE, 'Request body is too large', { cause: err });
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return ApiError.from(Errors.UNSUPPORTED_MEDIA_TYPE, 'Unsupported request body encoding or charset', { cause: err });
      default:
        if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
          return ApiError.from(Errors.BAD_REQUEST, 'The request body could not be read', { cause: err });
        }
    }
  }
  // A body that fails to decompress (Content-Encoding: gzip with bytes that are not gzip) reaches us
  // as the decoder's own error, made a client error (http-errors: `expose` and a 4xx status).
  if (isClientHttpError(err)) {
    return ApiError.from(Errors.BAD_REQUEST, 'The request body could not be read: it does not match its Content-Encoding', { cause: err });
  }
  return ApiError.from(Errors.INTERNAL, 'Internal error', { cause: err });
}
