/**
 * Conditional requests (RFC 9110 §13), as MaxScale's API.md documents them:
 * GETs carry `ETag` and `Last-Modified`; `If-None-Match` / `If-Modified-Since`
 * give 304 Not Modified when nothing changed; writes with `If-Match` /
 * `If-Unmodified-Since` that no longer hold give 412 Precondition Failed.
 *
 * The validators describe the twin's state as changed through the REST API
 * (the docs: the ETag "changes whenever a resource is modified via the REST
 * API"); the twin keeps one version for all of it, so a validator is stricter
 * than MaxScale's per-resource ones, never looser.
 */
import type express from 'express';
import { ApiError, Errors } from '../errors.js';
import type { HandlerResult } from './types.js';

export interface Validators {
  etag: string;
  lastModified: Date;
}

export interface ConditionalState {
  current(): Validators;
  /** Whether a GET's answer is a representation of the state (not, say, a computation on its query). */
  describesState(operationId: string): boolean;
  /** Called after every successful write through the API. */
  modified(): void;
}

const SAFE = new Set(['GET', 'HEAD']);

function header(req: express.Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** RFC 9110 §13.1.1: a list of entity tags (weak ones compare weakly for If-None-Match), or `*`. */
function matches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return list.split(',').some((t) => bare(t) === bare(etag));
}

/** HTTP dates have one-second precision. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function httpDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Refuses a write whose precondition no longer holds (412), before it changes anything. */
export function checkPreconditions(req: express.Request, state: ConditionalState): void {
  if (SAFE.has(req.method.toUpperCase())) return;
  const { etag, lastModified } = state.current();
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined) {
    if (!matches(ifMatch, etag)) {
      throw ApiError.from(Errors.PRECONDITION_FAILED, `If-Match ${ifMatch} does not match the current ETag ${etag}`, {
        source: { parameter: 'If-Match' },
      });
    }
    return; // RFC 9110 §13.2.2: If-Unmodified-Since is ignored when If-Match is present
  }
  const since = httpDate(header(req, 'if-unmodified-since'));
  if (since !== undefined && seconds(lastModified) > seconds(since)) {
    throw ApiError.from(Errors.PRECONDITION_FAILED, `Modified at ${lastModified.toUTCString()}, after If-Unmodified-Since`, {
      source: { parameter: 'If-Unmodified-Since' },
    });
  }
}

/** Adds the validators to a GET's 200, or answers 304 when the client's copy is current. */
export function applyValidators(req: express.Request, operationId: string, result: HandlerResult, state: ConditionalState): HandlerResult {
  if (!SAFE.has(req.method.toUpperCase()) || result.status !== 200 || !state.describesState(operationId)) return result;
  const { etag, lastModified } = state.current();
  const headers = { ...result.headers, ETag: etag, 'Last-Modified': lastModified.toUTCString() };
  const ifNoneMatch = header(req, 'if-none-match');
  const since = httpDate(header(req, 'if-modified-since'));
  // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
  const notModified =
    ifNoneMatch !== undefined ? matches(ifNoneMatch, etag) : since !== undefined && seconds(lastModified) <= seconds(since);
  return notModified ? { status: 304, headers } : { ...result, headers };
}
