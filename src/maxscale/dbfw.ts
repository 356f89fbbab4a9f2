/**
 * Just enough of the dbfwfilter rule language to load a rule file: each
 * `rule NAME match|deny TYPE …` line defines a rule whose type is shown by
 * the `rules` command; `users … match any|all|strict_all rules …`
 * lines must name defined rules. Anything else is a parse error, which
 * makes a reload fail as it does in MaxScale (the old rules stay).
 */
import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ApiError, Errors } from '../errors.js';
import type { DbfwRule } from './records.js';

const RULE_TYPES: Record<string, string> = {
  wildcard: 'WILDCARD',
  columns: 'COLUMN',
  function: 'FUNCTION',
  not_function: 'FUNCTION',
  uses_function: 'USES_FUNCTION',
  regex: 'REGEX',
  limit_queries: 'THROTTLE',
  no_where_clause: 'CLAUSE',
};

export class RuleParseError extends Error {
  override name = 'RuleParseError';
}

/** Parses rule file text; throws RuleParseError with the line at fault. */
export function parseDbfwRules(text: string, file: string): DbfwRule[] {
  const rules: DbfwRule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const words = line.split(/\s+/);
    const where = `${file}:${i + 1}`;
    if (words[0] === 'rule') {
      const [, name, verb, type] = words;
      if (!name || (verb !== 'match' && verb !== 'deny') || !type) {
        throw new RuleParseError(`${where}: expected 'rule NAME match TYPE …'`);
      }
      const shown = Object.hasOwn(RULE_TYPES, type) ? RULE_TYPES[type] : undefined;
      if (!shown) throw new RuleParseError(`${where}: unknown rule type '${type}'`);
      if (rules.some((r) => r.name === name)) throw new RuleParseError(`${where}: rule '${name}' is defined twice`);
      rules.push({ name, type: shown, times_matched: 0 });
    } else if (words[0] === 'users') {
      const at = words.indexOf('rules');
      if (at < 0 || !words.includes('match')) throw new RuleParseError(`${where}: expected 'users … match any|all|strict_all rules …'`);
      for (const name of words.slice(at + 1)) {
        if (!rules.some((r) => r.name === name)) throw new RuleParseError(`${where}: unknown rule '${name}'`);
      }
    } else {
      throw new RuleParseError(`${where}: expected a 'rule' or 'users' line`);
    }
  });
  return rules;
}

/** The largest rule file read (MaxScale's real rule files are a few kilobytes). */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The rule files a twin may read: only regular files inside one configured
 * folder (MaxScale reads them from its module_configdir), read
 * asynchronously and up to MAX_RULE_FILE_BYTES. A relative path is read
 * inside the folder; an absolute one must lie inside it. Every failure is a
 * 403 (the command fails in MaxScale) that names the file as it was given,
 * never a path of the host, and says nothing of files outside the folder.
 */
export class RuleFiles {
  constructor(
    /** Absolute path of the rules folder; undefined reads no file at all. */
    readonly folder: string | undefined,
    readonly maxBytes: number = MAX_RULE_FILE_BYTES,
  ) {}

  /** Reads and parses a rule file; a file that cannot be read or parsed is a 403. */
  async load(given: string): Promise<DbfwRule[]> {
    const text = await this.read(given);
    try {
      return parseDbfwRules(text, given);
    } catch (err) {
      if (err instanceof RuleParseError) throw ApiError.from(Errors.FORBIDDEN, `Failed to parse rule file: ${err.message}`);
      throw err;
    }
  }

  private async read(given: string): Promise<string> {
    const refuse = (why: string) => ApiError.from(Errors.FORBIDDEN, `Failed to read rule file '${given}': ${why}`);
    if (this.folder === undefined) throw refuse('this twin reads no rule files (no rules folder is configured)');
    const folder = resolve(this.folder);
    const target = resolve(folder, given);
    if (!isInside(folder, target)) throw refuse('it is not inside the rules folder');
    let file: FileHandle | undefined;
    try {
      // Symbolic links must not lead out of the folder either.
      const [realFolder, real] = await Promise.all([realpath(folder), realpath(target)]);
      if (!isInside(realFolder, real)) throw refuse('it is not inside the rules folder');
      // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not a regular file).
      file = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
      const stat = await file.stat();
      if (!stat.isFile()) throw refuse('it is not a regular file');
      if (stat.size > this.maxBytes) throw refuse(`it is larger than ${this.maxBytes} bytes`);
      const buffer = Buffer.alloc(this.maxBytes + 1);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      if (bytesRead > this.maxBytes) throw refuse(`it is larger than ${this.maxBytes} bytes`);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw refuse(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'it cannot be read'));
    } finally {
      await file?.close();
    }
  }
}
