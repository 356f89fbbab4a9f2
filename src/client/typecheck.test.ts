/**
 * The client's types catch mistakes at compile time. `typeMistakes` is never
 * called: `tsc` (make lint) checks it, where each `@ts-expect-error` must
 * meet an error, and the test below compiles it again with the directives
 * turned off to prove that every marked line fails on its own, and that the
 * README example compiles cleanly.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { projectRoot } from '../spec/load.js';
import type { MaxscaleClient, PipSessionsClient } from './index.js';

export async function typeMistakes(maxscale: MaxscaleClient, pip: PipSessionsClient): Promise<void> {
  // @ts-expect-error a misspelt path
  await maxscale.GET('/servics');
  // @ts-expect-error a misspelt path parameter
  await maxscale.GET('/services/{name}', { params: { path: { nmae: 'CLI' } } });
  const { data } = await maxscale.GET('/services');
  // @ts-expect-error a misspelt field of a response
  void data?.data[0]?.atributes;
  // @ts-expect-error a misspelt field of a request body
  await pip.POST('/v1/sessions/open_session', { body: { user_id: '1', user_nmae: 'Test User' } });
  // @ts-expect-error a misspelt command
  await pip.POST('/v1/sessions/open_sesion', { body: { user_id: '1' } });
  // @ts-expect-error a command is a POST, not a GET
  await pip.GET('/v1/sessions/get_sessions');
  // @ts-expect-error a body of the wrong type
  await pip.POST('/v1/sessions/get_session_by_id', { body: { session_id: 42 } });
}

const here = fileURLToPath(import.meta.url);
const exampleFile = join(projectRoot(), 'src', 'client', 'example.ts');

/** Type-checks the example and this file with the project's compiler options, this file's text possibly changed. */
function diagnostics(thisFileText?: (text: string) => string): readonly ts.Diagnostic[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(projectRoot(), 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  assert.ok(parsed);
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    if (thisFileText && ts.sys.resolvePath(fileName) === here) {
      return ts.createSourceFile(fileName, thisFileText(ts.sys.readFile(here) ?? ''), language, true);
    }
    return read(fileName, language, onError, shouldCreate);
  };
  return ts.getPreEmitDiagnostics(ts.createProgram([exampleFile, here], parsed.options, host));
}

const lineOf = (d: ts.Diagnostic): number => (d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1);
const describe = (ds: readonly ts.Diagnostic[]) =>
  ds.map((d) => `${d.file?.fileName ?? ''}:${lineOf(d) + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`).join('\n');

test('the README example and the marked mistakes compile: every @ts-expect-error meets its error', { timeout: 120_000 }, () => {
  const found = diagnostics();
  assert.equal(found.length, 0, describe(found));
});

test('each marked line fails tsc on its own once its @ts-expect-error is gone', { timeout: 120_000 }, () => {
  const text = ts.sys.readFile(here) ?? '';
  const marked = text
    .split('\n')
    .flatMap((line, i) => (/^\s*\/\/ @ts-expect-error /.test(line) ? [i + 1] : []))
    .sort((a, b) => a - b);
  assert.equal(marked.length, 7);
  const found = diagnostics((t) => t.replaceAll('// @ts-expect-error ', '// expected error: ')).filter(
    (d) => d.file && ts.sys.resolvePath(d.file.fileName) === here,
  );
  const failing = [...new Set(found.map(lineOf))].sort((a, b) => a - b);
  assert.deepEqual(failing, marked, describe(found));
});
