/**
 * Specs a test file writes for itself: `specFiles(prefix)` makes the file's own temporary directory,
 * removed when its tests are done, and gives the function that writes one JSON document there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export function specFiles(prefix: string): (name: string, doc: unknown) => string {
  const dir = mkdtempSync(join(tmpdir(), `apitwin-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return (name, doc) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };
}
