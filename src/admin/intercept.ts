/**
 * What the admin API puts in front of each twin's operations: the fault rules
 * and the `Prefer` header. Both answer in the twin's place before it
 * authenticates, validates or touches its state, so an injected answer never
 * changes anything; the journal is told what was injected.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type express from 'express';
import { ApiError, Errors } from '../errors.js';
import { writeResult } from '../http/openapi-router.js';
import type { HandlerResult } from '../http/types.js';
import type { FaultRules } from './faults.js';
import { type ApiName, type Injection, noteRequest } from './journal.js';
import { type DocumentedResponses, parsePrefer } from './responses.js';

export interface TwinHooks {
  api: ApiName;
  /** The operation a request routes to (undefined for 404/405). */
  operationIdOf: (req: express.Request) => string | undefined;
  /** The twin's own error document, for a status the operation does not document. */
  renderInjected: (status: number, detail: string, req: express.Request) => HandlerResult;
  /** How the twin writes a JSON body (MaxScale's `pretty`). */
  serialize: (body: unknown, req: express.Request) => string;
  responses: DocumentedResponses;
}

/** The error an injected status is rendered from when the operation does not document that status. */
export function injectedError(status: number, detail: string): ApiError {
  return ApiError.from({ status, code: 'INJECTED_FAULT', title: STATUS_CODES[status] ?? 'Injected' }, detail);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(res: express.Response, req: express.Request, hooks: TwinHooks, result: HandlerResult): void {
  writeResult(res, result, result.body === undefined ? undefined : hooks.serialize(result.body, req));
}

export function interceptMiddleware(faults: FaultRules, hooks: TwinHooks, stalled: Set<Socket>): express.RequestHandler {
  const inject = (req: express.Request, injected: Injection) => noteRequest(req, { injected });
  return async (req, res, next) => {
    try {
      const operationId = hooks.operationIdOf(req);
      noteRequest(req, { operationId });
      const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
      const rule = faults.empty ? undefined : faults.take({ api: hooks.api, operationId, method: req.method, path, headers: req.headers });
      if (rule) {
        const delay = faults.delayOf(rule);
        if (delay > 0) await sleep(delay);
        if (rule.fault === 'drop') {
          inject(req, { by: 'fault', rule: rule.id, action: 'drop' });
          req.socket.destroy();
          return;
        }
        if (rule.fault === 'stall') {
          // Never answered: the client's own timeout ends it (or the server's shutdown does).
          inject(req, { by: 'fault', rule: rule.id, action: 'stall' });
          stalled.add(req.socket);
          req.socket.once('close', () => stalled.delete(req.socket));
          return;
        }
        if (rule.status !== undefined) {
          inject(req, { by: 'fault', rule: rule.id, action: 'status' });
          const documented = operationId === undefined ? undefined : hooks.responses.forStatus(operationId, rule.status);
          send(res, req, hooks, documented ?? hooks.renderInjected(rule.status, `Injected by apitwin fault rule ${rule.id}`, req));
          return;
        }
        inject(req, { by: 'fault', rule: rule.id, action: 'delay' });
      }
      const prefer = operationId === undefined ? undefined : parsePrefer(req.headers.prefer);
      if (prefer && operationId !== undefined) {
        send(res, req, hooks, preferred(hooks.responses, operationId, prefer.code, prefer.example));
        inject(req, { by: 'prefer', rule: null, action: prefer.example === undefined ? 'status' : 'example' });
        return;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The documented answer `Prefer` asks for, or a 400 that says what is documented. */
function preferred(
  responses: DocumentedResponses,
  operationId: string,
  code: number | undefined,
  example: string | undefined,
): HandlerResult {
  if (code !== undefined) {
    const answer = responses.forStatus(operationId, code, example);
    if (!answer) {
      throw ApiError.from(
        Errors.BAD_REQUEST,
        `Prefer: code=${code} is not a documented response of ${operationId}; documented: ${responses.statuses(operationId).join(', ')}`,
        { source: { parameter: 'Prefer' } },
      );
    }
    if (example === undefined || responses.forExample(operationId, example, code)) return answer;
  }
  const name = example ?? '';
  const answer = responses.forExample(operationId, name, code);
  if (!answer) {
    const named = responses.examples(operationId);
    throw ApiError.from(
      Errors.BAD_REQUEST,
      `Prefer: example=${name} names no response example of ${operationId}${code === undefined ? '' : ` for ${code}`}; named examples: ${named.length ? named.join(', ') : 'none'}`,
      { source: { parameter: 'Prefer' } },
    );
  }
  return answer;
}
