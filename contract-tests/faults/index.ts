/**
 * Deliberately broken implementations: our own twins (from `createApp()`)
 * with one fault injected by an Express middleware in front of them. Each
 * fault breaks one property, and the contract suite must report exactly the
 * check named for it (Schemathesis keeps a catalogue of such target apps for
 * the same reason). `src/` is not touched: the faults only rewrite requests
 * and responses on the way in and out.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type Apps, createApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { basicAuthorization } from '../engine/http.js';
import type { ApiName, CheckName } from '../engine/types.js';

export interface Fault {
  /** What is broken, as a behaviour. */
  description: string;
  api: ApiName;
  /** The one check that must fail. */
  check: CheckName;
  middleware(apps: Apps): express.RequestHandler;
}

interface Captured {
  status: number;
  body: string;
}

/**
 * Lets the twin answer, then rewrites what it sent (status, body, headers)
 * before it leaves: `res.write`/`res.end` are buffered and replayed.
 */
export function rewriteResponse(
  when: (req: express.Request) => boolean,
  rewrite: (out: Captured, res: express.Response) => void,
): express.RequestHandler {
  return (req, res, next) => {
    if (!when(req)) return next();
    const chunks: Buffer[] = [];
    const end = res.end.bind(res) as (chunk?: unknown) => express.Response;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown) => {
      keep(chunk);
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown) => {
      keep(chunk);
      const out: Captured = { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') };
      rewrite(out, res);
      res.statusCode = out.status;
      if (out.body) res.setHeader('Content-Length', Buffer.byteLength(out.body));
      else res.removeHeader('Content-Length');
      return end(out.body || undefined);
    }) as typeof res.end;
    next();
  };
}

/** Rewrites a JSON body in place. */
function editJson(out: Captured, edit: (body: Record<string, unknown>) => void): void {
  if (!out.body) return;
  const body = JSON.parse(out.body) as Record<string, unknown>;
  edit(body);
  out.body = JSON.stringify(body);
}

const path = (re: RegExp) => (req: express.Request) => re.test(req.path);
const on = (method: string, re: RegExp) => (req: express.Request) => req.method === method && re.test(req.path);

/** The MaxScale account the request's Basic credentials name, if they are right. */
function accountOf(apps: Apps, req: express.Request): 'admin' | 'basic' | undefined {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = apps.maxscaleModel.findUser('inet', decoded.slice(0, colon));
  return user && user.password === decoded.slice(colon + 1) ? user.account : undefined;
}

const ADMIN = basicAuthorization('admin', 'mariadb');
const SERVICES = /^(\/v1)?\/services\/?$/;
const SERVICE = /^(\/v1)?\/services\/[^/]+\/?$/;
const SERVER = /^(\/v1)?\/servers\/[^/]+\/?$/;

export const FAULTS: Fault[] = [
  {
    description: 'createService answers 200 instead of the documented 204',
    api: 'maxscale',
    check: 'status_code_conformance',
    middleware: () =>
      rewriteResponse(on('POST', SERVICES), (out) => {
        if (out.status === 204) out.status = 200;
      }),
  },
  {
    description: 'listServices labels its JSON text/plain',
    api: 'maxscale',
    check: 'content_type_conformance',
    middleware: () =>
      rewriteResponse(on('GET', SERVICES), (out, res) => {
        if (out.status === 200) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      }),
  },
  {
    description: 'getService adds a field the schema does not have',
    api: 'maxscale',
    check: 'response_schema_conformance',
    middleware: () =>
      rewriteResponse(on('GET', SERVICE), (out) => {
        if (out.status !== 200) return;
        editJson(out, (body) => {
          const data = body.data as { attributes: Record<string, unknown> };
          data.attributes.undocumented_field = true;
        });
      }),
  },
  {
    description: 'a 401 comes without its WWW-Authenticate header',
    api: 'maxscale',
    check: 'response_headers_conformance',
    middleware: () =>
      rewriteResponse(
        () => true,
        (out, res) => {
          if (out.status === 401) res.removeHeader('WWW-Authenticate');
        },
      ),
  },
  {
    description: 'invalid input makes the server fail with 500 instead of 400',
    api: 'maxscale',
    check: 'negative_data_rejection',
    middleware: () =>
      rewriteResponse(
        () => true,
        (out) => {
          if (out.status === 400) out.status = 500;
        },
      ),
  },
  {
    description: 'deleteService answers 204 but deletes nothing',
    api: 'maxscale',
    check: 'use_after_free',
    // Only once the credentials are an admin's, so refusing bad credentials is not broken too.
    middleware: (apps) => (req, res, next) => {
      if (req.method === 'DELETE' && SERVICE.test(req.path) && accountOf(apps, req) === 'admin') {
        res.status(204).end();
        return;
      }
      next();
    },
  },
  {
    description: 'listServices leaves out every service created after start',
    api: 'maxscale',
    check: 'ensure_resource_availability',
    middleware: (apps) => {
      const initial = new Set(apps.maxscaleModel.services.list().map((s) => s.name));
      return rewriteResponse(on('GET', SERVICES), (out) => {
        if (out.status !== 200) return;
        editJson(out, (body) => {
          body.data = (body.data as { id: string }[]).filter((s) => initial.has(s.id));
        });
      });
    },
  },
  {
    description: 'getServer never shows the services that use the server',
    api: 'maxscale',
    check: 'relationship_symmetry',
    middleware: () =>
      rewriteResponse(on('GET', SERVER), (out) => {
        if (out.status !== 200) return;
        editJson(out, (body) => {
          const rels = (body.data as { relationships?: Record<string, { data: unknown[] }> }).relationships;
          if (rels?.services) rels.services.data = [];
        });
      }),
  },
  {
    description: 'requests without or with wrong credentials are served as the admin',
    api: 'maxscale',
    check: 'ignored_auth',
    middleware: (apps) => (req, _res, next) => {
      if (accountOf(apps, req) === undefined) req.headers.authorization = ADMIN;
      next();
    },
  },
  {
    description: 'basic accounts may write',
    api: 'maxscale',
    check: 'basic_account_read_only',
    middleware: (apps) => (req, _res, next) => {
      if (accountOf(apps, req) === 'basic') req.headers.authorization = ADMIN;
      next();
    },
  },
  {
    description: 'close_session does not close (it answers the session as it is)',
    api: 'pip-sessions',
    check: 'session_lifecycle',
    middleware: () => (req, _res, next) => {
      if (path(/\/close_session$/)(req)) req.url = req.url.replace('close_session', 'get_session_by_id');
      next();
    },
  },
  {
    description: 'delete_session_by_id does not delete (it answers the session as it is)',
    api: 'pip-sessions',
    check: 'use_after_free',
    middleware: () => (req, _res, next) => {
      if (path(/\/delete_session_by_id$/)(req)) req.url = req.url.replace('delete_session_by_id', 'get_session_by_id');
      next();
    },
  },
];

export interface RunningTwin {
  url: string;
  apps: Apps;
  /** Puts a fault in front of the twin (or none), after putting its state back to the start. */
  inject(fault: Fault | undefined): Promise<void>;
  close(): Promise<void>;
}

/**
 * One of our twins, in-process on a free loopback port with its test routes,
 * optionally with one fault in front. Building the apps is the slow part, so
 * one twin serves many faults: `inject` swaps the fault and resets the state.
 */
export async function startTwin(api: ApiName, fault?: Fault): Promise<RunningTwin> {
  const apps = await createApp(testConfig());
  let current: express.RequestHandler | undefined;
  const outer = express();
  outer.disable('x-powered-by');
  outer.use((req, res, next) => (current ? current(req, res, next) : next()));
  outer.use(api === 'maxscale' ? apps.maxscale : apps.pip);
  const server: Server = await new Promise((resolve, reject) => {
    const s = outer.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  // The suite pauses for long (compiling a spec's validators) between requests on one keep-alive socket;
  // Node's 5 s keepAliveTimeout can close it just as the next request is written (ECONNRESET on a loaded machine).
  server.keepAliveTimeout = 120_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const inject = async (next: Fault | undefined) => {
    current = undefined;
    const reset = await fetch(`${url}/__apitwin/state/reset`, { method: 'POST' });
    if (reset.status !== 204) throw new Error(`resetting the ${api} twin answered ${reset.status}`);
    current = next?.middleware(apps);
  };
  await inject(fault);
  return {
    url,
    apps,
    inject,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
