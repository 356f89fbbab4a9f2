/**
 * Typed clients of both APIs (`apitwin/client`): openapi-fetch over the types
 * that openapi-typescript generates from the specs, so a misspelt path, a
 * missing or misspelt parameter, or a misspelt body field fails `tsc`. They
 * talk to the twins or to a real MaxScale / pip-sessions service alike.
 *
 *   const maxscale = createMaxscaleClient({ baseUrl: 'http://localhost:8989/v1', user: 'admin', password: 'mariadb' });
 *   const { data, error } = await maxscale.GET('/services/{name}', { params: { path: { name: 'RW-Split-Router' } } });
 */
import createClient, {
  type Client,
  type ClientOptions,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
  mergeHeaders,
} from 'openapi-fetch';
import type { components as MaxscaleComponents, paths as MaxscalePaths } from '../../generated/maxscale.js';
import type { components as PipSessionsComponents, paths as PipSessionsPaths } from '../../generated/pip-sessions.js';

export type { MaxscaleComponents, MaxscalePaths, PipSessionsComponents, PipSessionsPaths };

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
type OperationOf<Paths, Path extends keyof Paths, M extends Method> = Paths[Path][M & keyof Paths[Path]] extends infer Op extends Record<
  string | number,
  unknown
>
  ? Op
  : never;
type InitOf<Paths, Path extends keyof Paths, M extends Method> = MaybeOptionalInit<Paths[Path], M & keyof Paths[Path]>;

/**
 * One HTTP method of a typed client. openapi-fetch's own signature infers the
 * request options as a type parameter, and TypeScript does not check a literal
 * for unknown properties against a type parameter's constraint, so a misspelt
 * optional body field compiles there. Here the options are typed from the
 * path alone, so it does not (src/client/typecheck.test.ts proves it).
 */
export type TypedMethod<Paths extends {}, M extends Method> = <Path extends ClientPathsWithMethod<Client<Paths>, M> & keyof Paths>(
  url: Path,
  ...init: undefined extends InitOf<Paths, Path, M> ? [init?: InitOf<Paths, Path, M>] : [init: InitOf<Paths, Path, M>]
) => Promise<FetchResponse<OperationOf<Paths, Path, M>, InitOf<Paths, Path, M>, 'application/json'>>;

/** An openapi-fetch client seen through the stricter method types (the object is openapi-fetch's). */
export interface TypedClient<Paths extends {}> {
  GET: TypedMethod<Paths, 'get'>;
  PUT: TypedMethod<Paths, 'put'>;
  POST: TypedMethod<Paths, 'post'>;
  DELETE: TypedMethod<Paths, 'delete'>;
  PATCH: TypedMethod<Paths, 'patch'>;
  /** openapi-fetch middleware (onRequest, onResponse, onError). */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
}

export type MaxscaleClient = TypedClient<MaxscalePaths>;
export type PipSessionsClient = TypedClient<PipSessionsPaths>;

/** Options openapi-fetch takes besides the base URL (a custom `fetch`, extra headers…). */
export type ExtraOptions = Omit<ClientOptions, 'baseUrl'>;

export interface MaxscaleClientOptions extends ExtraOptions {
  /** The REST API's base, `http://host:8989/v1` (MaxScale also answers the same paths without `/v1`). */
  baseUrl: string;
  /** An administrative user (HTTP Basic); MaxScale's default is admin:mariadb. */
  user: string;
  password: string;
}

export interface PipSessionsClientOptions extends ExtraOptions {
  /** The service's origin, `http://host:8080`; the paths carry `/v1/sessions/…`. */
  baseUrl: string;
}

/** RFC 7617 credentials, UTF-8 encoded. */
function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export function createMaxscaleClient({ baseUrl, user, password, headers, ...rest }: MaxscaleClientOptions): MaxscaleClient {
  return createClient<MaxscalePaths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: mergeHeaders(headers, { Authorization: basicAuth(user, password) }),
  }) as unknown as MaxscaleClient;
}

export function createPipSessionsClient({ baseUrl, ...rest }: PipSessionsClientOptions): PipSessionsClient {
  return createClient<PipSessionsPaths>({ ...rest, baseUrl: baseUrl.replace(/\/+$/, '') }) as unknown as PipSessionsClient;
}
