/**
 * An operation's documented responses, as an answer the twin can send in its
 * own place: for a status (`Prefer: code=503`, a fault rule's `status`) or
 * by example name (`Prefer: example=NAME`). The body is the documented
 * example, else one built from the schema by openapi-sampler (what Redocly
 * and Prism use); documented headers get their example, or a sample.
 */
import type { sample } from 'openapi-sampler';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError, Errors } from '../errors.js';
import type { HandlerResult } from '../http/types.js';

type Schema = Parameters<typeof sample>[0];

/** openapi-sampler's `sample`: imported by `DocumentedResponses.load`, so a twin without the admin API never loads it. */
export type Sampler = typeof sample;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Follows a local `$ref` (`#/components/...`) in the bundled spec. */
export function deref<T>(doc: OpenAPIV3.Document, value: T | OpenAPIV3.ReferenceObject): T {
  let current: unknown = value;
  for (let hops = 0; hops < 10 && typeof current === 'object' && current !== null && '$ref' in current; hops++) {
    const ref = String((current as OpenAPIV3.ReferenceObject).$ref);
    current = ref
      .replace(/^#\//, '')
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  }
  return current as T;
}

/** What `Prefer` asks for (RFC 7240 preferences, Prism's `code` and `example`). */
export interface Preference {
  code?: number;
  example?: string;
}

/** Reads `Prefer: code=503, example=name` (also `;`-separated, values optionally quoted); undefined when it asks for neither. */
export function parsePrefer(header: string | string[] | undefined): Preference | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  const out: Preference = {};
  for (const part of text.split(/[,;]/)) {
    const match = /^\s*([A-Za-z-]+)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
    if (!match) continue;
    const [, name = '', value = ''] = match;
    if (name.toLowerCase() === 'code' && /^\d{3}$/.test(value)) out.code = Number(value);
    else if (name.toLowerCase() === 'code') throw ApiError.from(Errors.BAD_REQUEST, `Prefer: code=${value} is not an HTTP status`);
    if (name.toLowerCase() === 'example') out.example = value;
  }
  return out.code === undefined && out.example === undefined ? undefined : out;
}

export class DocumentedResponses {
  private readonly operations = new Map<string, OpenAPIV3.OperationObject>();

  /** The responses of a bundled spec, with openapi-sampler loaded. */
  static async load(doc: OpenAPIV3.Document): Promise<DocumentedResponses> {
    const { sample } = await import('openapi-sampler');
    return new DocumentedResponses(doc, sample);
  }

  constructor(
    private readonly doc: OpenAPIV3.Document,
    private readonly sample: Sampler,
  ) {
    for (const item of Object.values(doc.paths ?? {})) {
      for (const method of METHODS) {
        const op = item?.[method];
        if (op?.operationId) this.operations.set(op.operationId, op);
      }
    }
  }

  private responses(operationId: string): [string, OpenAPIV3.ResponseObject][] {
    const op = this.operations.get(operationId);
    return Object.entries(op?.responses ?? {}).map(([status, r]) => [status, deref<OpenAPIV3.ResponseObject>(this.doc, r)]);
  }

  /** The documented statuses of an operation, ascending. */
  statuses(operationId: string): number[] {
    return this.responses(operationId)
      .map(([status]) => Number(status))
      .filter((s) => Number.isInteger(s));
  }

  /** The operation's answer for a status, or undefined when it does not document that status. */
  forStatus(operationId: string, status: number, exampleName?: string): HandlerResult | undefined {
    const found = this.responses(operationId).find(([s]) => s === String(status));
    if (!found) return undefined;
    return this.build(status, found[1], exampleName);
  }

  /** The first documented response with an example of that name (optionally of one status). */
  forExample(operationId: string, name: string, status?: number): HandlerResult | undefined {
    for (const [s, response] of this.responses(operationId)) {
      if (status !== undefined && s !== String(status)) continue;
      if (this.exampleNames(response).includes(name)) return this.build(Number(s), response, name);
    }
    return undefined;
  }

  /** Every named example of an operation's responses, as `status:name`. */
  examples(operationId: string): string[] {
    return this.responses(operationId).flatMap(([s, r]) => this.exampleNames(r).map((n) => `${s}:${n}`));
  }

  private exampleNames(response: OpenAPIV3.ResponseObject): string[] {
    return Object.values(response.content ?? {}).flatMap((media) => Object.keys(media.examples ?? {}));
  }

  private build(status: number, response: OpenAPIV3.ResponseObject, exampleName?: string): HandlerResult {
    const headers: Record<string, string> = {};
    for (const [name, h] of Object.entries(response.headers ?? {})) {
      const header = deref<OpenAPIV3.HeaderObject>(this.doc, h);
      const schema = header.schema ? deref<OpenAPIV3.SchemaObject>(this.doc, header.schema) : undefined;
      const value = header.example ?? schema?.example ?? (schema ? this.sample(schema as Schema, {}, this.doc) : undefined);
      if (value !== undefined) headers[name] = String(value);
    }
    const content = response.content ?? {};
    const media = content['application/json'] ?? Object.values(content)[0];
    if (!media) return { status, headers };
    const examples = Object.entries(media.examples ?? {});
    const named = exampleName === undefined ? undefined : examples.find(([n]) => n === exampleName);
    let body: unknown;
    if (named) body = deref<OpenAPIV3.ExampleObject>(this.doc, named[1]).value;
    else if (media.example !== undefined) body = media.example;
    else if (examples[0]) body = deref<OpenAPIV3.ExampleObject>(this.doc, examples[0][1]).value;
    else if (media.schema)
      body = this.sample(deref<OpenAPIV3.SchemaObject>(this.doc, media.schema) as Schema, { skipWriteOnly: true }, this.doc);
    return { status, headers, body: body ?? null };
  }
}
