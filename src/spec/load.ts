import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3 } from 'openapi-types';
import { loadPrecompiled, type PrecompiledValidators } from '../http/precompiled.js';

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

/** What `make generate` writes to generated/<api>.bundle.json (scripts/generate.mjs). */
interface Bundle {
  sourceSha256: string;
  document: OpenAPIV3.Document;
}

const sha256s = new Map<ApiName, string>();

/** SHA-256 of openapi/<api>.yaml as it is now: what tells whether generated/ was made from it. */
function sourceSha256(api: ApiName): string {
  let sha = sha256s.get(api);
  if (!sha) {
    sha = createHash('sha256')
      .update(readFileSync(specPath(api)))
      .digest('hex');
    sha256s.set(api, sha);
  }
  return sha;
}

/**
 * The bundle `make generate` wrote, when it was made from the YAML as it is now:
 * one JSON.parse instead of parsing, validating and bundling the YAML at each start.
 */
function prebundled(api: ApiName): OpenAPIV3.Document | undefined {
  const path = join(projectRoot(), 'generated', `${api}.bundle.json`);
  if (!existsSync(path)) return undefined;
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as Bundle;
  return bundle.sourceSha256 === sourceSha256(api) ? bundle.document : undefined;
}

/**
 * The validators `make generate` compiled (generated/<api>.validators.cjs and its folder), when
 * they were made from the YAML as it is now; else undefined, and openapi-backend
 * compiles each operation's the first time it is asked for.
 */
export function precompiledValidators(api: ApiName): PrecompiledValidators | undefined {
  const path = join(projectRoot(), 'generated', `${api}.validators.cjs`);
  // The index, and the folder of the operations' files it requires when each is first used.
  if (!existsSync(path) || !existsSync(join(projectRoot(), 'generated', `${api}.validators`))) return undefined;
  const validators = loadPrecompiled(path);
  return validators.sourceSha256 === sourceSha256(api) ? validators : undefined;
}

/**
 * The spec, validated by swagger-parser and bundled into one document (internal
 * `$ref`s kept). Read from the bundle in generated/ when it is fresh; a YAML edited
 * since `make generate` is validated and bundled here instead, so that it is what
 * runs. Cached per process; callers must not mutate the result.
 */
export function loadSpec(api: ApiName): Promise<OpenAPIV3.Document> {
  let doc = bundled.get(api);
  if (!doc) {
    doc = (async () => {
      const fresh = prebundled(api);
      if (fresh) return fresh;
      const path = specPath(api);
      const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
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
