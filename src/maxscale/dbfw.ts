/**
 * Just enough of the dbfwfilter rule language to load a rule file: each
 * `rule NAME match|deny TYPE …` line defines a rule whose type is shown by
 * the `rules/json` command; `users … match any|all|strict_all rules …`
 * lines must name defined rules. Anything else is a parse error, which
 * makes a reload fail as it does in MaxScale (the old rules stay).
 */
import { readFileSync } from 'node:fs';
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
      const shown = RULE_TYPES[type];
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

/** Reads and parses a rule file; a file that cannot be read or parsed is a 403, as the command fails in MaxScale. */
export function loadDbfwRules(path: string): DbfwRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw ApiError.from(Errors.FORBIDDEN, `Failed to read rule file '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parseDbfwRules(text, path);
  } catch (err) {
    if (err instanceof RuleParseError) throw ApiError.from(Errors.FORBIDDEN, `Failed to parse rule file: ${err.message}`);
    throw err;
  }
}
