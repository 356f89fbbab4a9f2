/**
 * Types that tie handlers to the operations openapi-typescript generated:
 * a handler for operation K receives K's parameters and body and may only
 * return one of K's documented success responses.
 */

type Get<T, K extends PropertyKey> = T extends { [P in K]?: infer V } ? V : never;

type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;

type Defined<T> = [T] extends [never] ? Record<string, never> : NonNullable<T>;

export interface TypedRequest<Op, Auth> {
  params: Defined<Get<Get<Op, 'parameters'>, 'path'>>;
  query: Defined<Get<Get<Op, 'parameters'>, 'query'>>;
  body: JsonContent<Get<Op, 'requestBody'>>;
  /** Query parameters the spec does not declare (module command arguments). */
  rawQuery: Record<string, string | string[]>;
  /** The raw query string without `?`, in order (module command arguments are its keys). */
  queryString: string;
  auth: Auth;
}

export type SuccessStatus = 200 | 201 | 202 | 204;

type ResponseFor<R, S extends PropertyKey> = S extends keyof R
  ? { status: S; headers?: Record<string, string> } & (JsonContent<R[S]> extends undefined
      ? { body?: undefined }
      : { body: JsonContent<R[S]> })
  : never;

export type TypedResult<Op> = ResponseFor<Get<Op, 'responses'>, Extract<keyof Get<Op, 'responses'>, SuccessStatus>>;

export type TypedHandler<Op, Ctx, Auth> = (req: TypedRequest<Op, Auth>, ctx: Ctx) => TypedResult<Op> | Promise<TypedResult<Op>>;

/** The full handler map of a spec: `satisfies HandlerMap<operations, …>` makes a missing or extra handler fail tsc. */
export type HandlerMap<Ops, Ctx, Auth> = { [K in keyof Ops]: TypedHandler<Ops[K], Ctx, Auth> };

/** What the router writes: the one shape every handler result and error takes. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
