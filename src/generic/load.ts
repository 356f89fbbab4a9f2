/**
 * Loads the spec a generic twin serves: any OpenAPI 3.0 or 3.1 document, or a
 * Swagger 2.0 one converted on load (swagger2openapi, the converter Redocly
 * and APIs.guru use), from a file or a URL, JSON or YAML. External `$ref`s are
 * bundled in (swagger-parser); internal ones are kept, so a recursive schema
 * stays finite for the sampler. Operations without an operationId get one
 * (`get /pets/{petId}`), and duplicates are made unique: handlers, the
 * journal and `Prefer` are keyed by it.
 *
 * Each step costs only what the document needs, and every step is linear in
 * its size: JSON is read with `JSON.parse` (YAML's parser only for YAML),
 * swagger-parser is loaded and run only when a `$ref` points outside the
 * document (its bundling searches a list per `$ref`, which took 20 s on the
 * 11,422 operations of Microsoft Graph, and loading it is a tenth of a
 * second of a cold start), and swagger2openapi only for a Swagger 2.0 one.
 */
import { readFileSync } from 'node:fs';
import type { OpenAPIV3 } from 'openapi-types';
import { normalizeForAjv } from '../spec/normalize.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface LoadedSpec {
  /** The document, bundled (internal `$ref`s kept), every operation with a unique operationId. */
  bundled: OpenAPIV3.Document;
  /** `3.0.3`, `3.1.0`, or `2.0` when it was converted. */
  sourceVersion: string;
}

export class SpecLoadError extends Error {
  override readonly name = 'SpecLoadError';
}

/** Gives every operation a unique operationId: its own, else `method path`; a repeated one gets `_2`, `_3`… */
export function withOperationIds(doc: OpenAPIV3.Document): void {
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const base = typeof op.operationId === 'string' && op.operationId.trim() ? op.operationId : `${method} ${path}`;
      let id = base;
      for (let n = 2; seen.has(id); n += 1) id = `${base}_${n}`;
      seen.add(id);
      op.operationId = id;
    }
  }
}

/**
 * `/items/` as `/items` (when the spec has no `/items` too): requests are routed with trailing
 * slashes ignored, which a template ending in `/` would never match.
 */
function withoutTrailingSlashes(doc: OpenAPIV3.Document): void {
  const paths = doc.paths ?? {};
  for (const path of Object.keys(paths)) {
    const trimmed = path.replace(/\/+$/, '');
    if (trimmed === path || trimmed === '' || trimmed in paths) continue;
    paths[trimmed] = paths[path];
    delete paths[path];
  }
}

/** The text of a spec file, or of what an http(s) URL answers. */
async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`${source} answered HTTP ${res.status}`);
    return res.text();
  }
  // Read before the twin serves, when nothing waits on it: synchronously, without node:fs/promises (and the readline it loads).
  return readFileSync(source.startsWith('file:') ? new URL(source) : source, 'utf8');
}

/**
 * A document's text as data: JSON by `JSON.parse`, anything else by YAML's parser with YAML 1.2's
 * core schema (what swagger-parser's js-yaml reads with its JSON schema: dates stay strings).
 */
export async function parseSpecText(text: string): Promise<unknown> {
  return (await parseText(text)).data;
}

async function parseText(text: string): Promise<{ data: unknown; json: boolean }> {
  if (/^\s*\{/.test(text)) {
    try {
      return { data: JSON.parse(text), json: true };
    } catch {
      // JSON is YAML too: YAML's parser reads it, or says where it breaks.
    }
  }
  const { parse } = await import('yaml');
  return { data: parse(text, { schema: 'core', logLevel: 'error' }), json: false };
}

/** In JSON text, a `"$ref"` member whose value does not start with `#`: one scan of the text, no walk of the data. */
const EXTERNAL_REF_IN_JSON = /"\$ref"\s*:\s*"(?!#)/;

/** Whether any `$ref` of the document points outside it (another file, a URL): only then is it bundled. */
export function hasExternalRefs(doc: unknown): boolean {
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    const record = node as Record<string, unknown>;
    const ref = record.$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) return true;
    for (const key in record) {
      const value = record[key];
      if (value !== null && typeof value === 'object') stack.push(value);
    }
  }
  return false;
}

/** A spec document already parsed (an object), a file path or an http(s) URL. */
export async function loadAnySpec(source: string | object): Promise<LoadedSpec> {
  const where = typeof source === 'string' ? source : 'the spec';
  let parsed: Record<string, unknown>;
  try {
    const text = typeof source === 'string' ? await readSource(source) : undefined;
    const { data, json } = text === undefined ? { data: structuredClone(source), json: false } : await parseText(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('it is not an object');
    parsed = data as Record<string, unknown>;
    if (json && text !== undefined ? EXTERNAL_REF_IN_JSON.test(text) : hasExternalRefs(parsed)) {
      const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
      // From the source itself, so that relative references resolve against its location.
      parsed = (await SwaggerParser.bundle(typeof source === 'string' ? source : (parsed as never))) as unknown as Record<string, unknown>;
    }
  } catch (err) {
    throw new SpecLoadError(`${where} could not be read: ${(err as Error).message}`);
  }
  let sourceVersion: string;
  let doc: OpenAPIV3.Document;
  if (typeof parsed.swagger === 'string') {
    sourceVersion = parsed.swagger;
    try {
      const { convertObj } = await import('swagger2openapi');
      // patch: fixes small, common mistakes of 2.0 documents instead of refusing them (as APIs.guru does).
      const converted = await convertObj(parsed as never, { patch: true, warnOnly: true, resolve: false });
      doc = converted.openapi as unknown as OpenAPIV3.Document;
    } catch (err) {
      throw new SpecLoadError(`the Swagger ${sourceVersion} document could not be converted to OpenAPI 3: ${(err as Error).message}`);
    }
  } else if (typeof parsed.openapi === 'string' && /^3\.[01]\./.test(parsed.openapi)) {
    sourceVersion = parsed.openapi;
    doc = parsed as unknown as OpenAPIV3.Document;
  } else {
    throw new SpecLoadError('not an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (no `openapi: 3.x` or `swagger: "2.0"`)');
  }
  if (typeof doc.paths !== 'object' || doc.paths === null) throw new SpecLoadError('the document has no `paths`');
  normalizeForAjv(doc);
  withoutTrailingSlashes(doc);
  withOperationIds(doc);
  return { bundled: doc, sourceVersion };
}
