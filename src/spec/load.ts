import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';

export type ApiName = 'maxscale' | 'pip-sessions' | 'apitwin-admin';

/**
 * The repository root, found by walking up from this module: the same code
 * runs from `src/` under tsx and from `dist/src/` once built.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'openapi')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the apitwin project root (no openapi/ folder above this module)');
    dir = parent;
  }
}

export function specPath(api: ApiName): string {
  return join(projectRoot(), 'openapi', `${api}.yaml`);
}

const bundled = new Map<ApiName, Promise<OpenAPIV3.Document>>();

/**
 * The spec, validated by swagger-parser and bundled into one document (internal
 * `$ref`s kept). Cached per process; callers must not mutate the result.
 */
export function loadSpec(api: ApiName): Promise<OpenAPIV3.Document> {
  let doc = bundled.get(api);
  if (!doc) {
    doc = (async () => {
      const path = specPath(api);
      await SwaggerParser.validate(path);
      return (await SwaggerParser.bundle(path)) as OpenAPIV3.Document;
    })();
    bundled.set(api, doc);
  }
  return doc;
}

/** A deep copy, for consumers (openapi-backend) that dereference in place. */
export async function loadSpecCopy(api: ApiName): Promise<OpenAPIV3.Document> {
  return structuredClone(await loadSpec(api));
}
