/**
 * `make generate`, the part the twin runs on: for every API in redocly.yaml,
 *
 * - generated/<api>.bundle.json: the spec validated and bundled by swagger-parser,
 *   with the SHA-256 of the YAML it came from (src/spec/load.ts reads it at start
 *   instead of parsing, validating and bundling the YAML);
 * - generated/<api>.validators.cjs and generated/<api>.validators/<operationId>.cjs:
 *   every operation's request and response validators, compiled by
 *   openapi-backend's own builders and written as Ajv standalone code, a file
 *   per operation (src/http/precompiled.ts), so that the twin compiles none.
 *
 * With --check, exits 1 when a committed file differs from what it would write,
 * or is left over (an operation's file whose operation is gone).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { parse } from 'yaml';
import { precompiledSources } from '../src/http/precompiled.js';
import { projectRoot } from '../src/spec/load.js';

const root = projectRoot();
const check = process.argv.includes('--check');
const banner = (api: string) => `Generated from openapi/${api}.yaml by \`make generate\` (scripts/generate-runtime.ts): do not edit.`;

const apis = (parse(readFileSync(join(root, 'redocly.yaml'), 'utf8')) as { apis: Record<string, { root: string }> }).apis;
let stale = false;
for (const [api, { root: source }] of Object.entries(apis)) {
  const yamlPath = join(root, source);
  await SwaggerParser.validate(yamlPath);
  const document = (await SwaggerParser.bundle(yamlPath)) as OpenAPIV3.Document;
  const sourceSha256 = createHash('sha256').update(readFileSync(yamlPath)).digest('hex');
  const files: [string, string][] = [
    [`${api}.bundle.json`, `${JSON.stringify({ comment: banner(api), sourceSha256, document })}\n`],
    ...(await precompiledSources(api, document, sourceSha256, banner(api))),
  ];
  for (const [name, text] of files) {
    const target = join(root, 'generated', name);
    if (!check) {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    } else if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
      process.stderr.write(`generated/${name} is stale\n`);
      stale = true;
    }
  }
  if (!check) process.stdout.write(`✨ ${source} → generated/${api}.bundle.json, generated/${api}.validators.cjs and ${api}.validators/\n`);
  // An operation's file whose operation is gone.
  const perOperation = join(root, 'generated', `${api}.validators`);
  const written = new Set(files.map(([name]) => name));
  for (const file of existsSync(perOperation) ? readdirSync(perOperation) : []) {
    const name = `${api}.validators/${file}`;
    if (written.has(name)) continue;
    if (check) {
      process.stderr.write(`generated/${name} is left over\n`);
      stale = true;
    } else {
      rmSync(join(root, 'generated', name));
    }
  }
}
if (stale) process.exit(1);
