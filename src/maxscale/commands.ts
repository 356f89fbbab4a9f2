/**
 * Module commands (`GET|POST /maxscale/modules/:module/:command`), simulated
 * against the twin's state as MaxScale 2.3's module command registry
 * (modulecmd.cc) runs them:
 * - commands are found by their domain (the module's name, case-insensitive,
 *   an old module name meaning its new one; CDCPlainAuth registers `add_user`
 *   under `cdc`) and identifier; an unknown one, or the wrong HTTP method
 *   (GET for passive commands, POST for the others), is a 404;
 * - the arguments are the query string's keys in order; a count outside
 *   `arg_min`…`arg_max`, or an argument that names no object of its type (a
 *   MONITOR, FILTER or SERVICE declared to match the domain must also use the
 *   command's module) is a 403 with MaxScale's message;
 * - a command that refuses to run (a switchover to a server that is not a
 *   slave, a rule file that cannot be parsed, a filter without a unified log)
 *   is a 403 with the reason;
 * - a command with output answers 200 with the output in `meta`, one without
 *   answers 204.
 */
import { ApiError, Errors } from '../errors.js';
import type { RuleFiles } from './dbfw.js';
import type { MaxscaleModel } from './model.js';
import { type CommandDef, canonicalModule, commandsOfDomain, findModule } from './modules.js';
import type { FilterRecord, MonitorRecord, ServiceRecord } from './records.js';
import { failover, rejoin, resetReplication, switchover } from './topology.js';

const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The command arguments of a raw query string, in order: each key is one
 * argument (`key=` counts as `key`; `key=value` stays `key=value`, as
 * MaxScale passes it), and `pretty` is not an argument.
 */
export function commandArguments(queryString: string): string[] {
  const args: string[] = [];
  for (const token of queryString.replace(/^\?/, '').split('&')) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    const key = decode(eq < 0 ? token : token.slice(0, eq));
    const value = eq < 0 ? '' : decode(token.slice(eq + 1));
    if (key === 'pretty') continue;
    args.push(value === '' ? key : `${key}=${value}`);
  }
  return args;
}

export interface CommandResult {
  /** The command's output; undefined means it has none (204). */
  output?: unknown;
}

/** The arguments resolved to the objects they name, in order within each kind. */
interface Resolved {
  monitor?: MonitorRecord;
  filter?: FilterRecord;
  service?: ServiceRecord;
  servers: string[];
  strings: string[];
}

/** `arg_min`: the number of required arguments (MaxScale counts them when the command is registered). */
export function argMin(command: CommandDef): number {
  return command.args.filter((a) => a.required).length;
}

/** modulecmd_arg_parse: the count first, then each argument in order; the first bad one is reported. */
function resolveArguments(model: MaxscaleModel, command: CommandDef, args: string[]): Resolved {
  const min = argMin(command);
  const max = command.args.length;
  if (args.length < min || args.length > max) {
    throw forbidden(
      min === max ? `Expected ${min} arguments, got ${args.length}.` : `Expected between ${min} and ${max} arguments, got ${args.length}.`,
    );
  }
  const resolved: Resolved = { servers: [], strings: [] };
  const domain = canonicalModule(command.domain).toLowerCase();
  const matches = (module: string) => canonicalModule(module).toLowerCase() === domain;
  args.forEach((value, i) => {
    const def = command.args[i];
    if (!def) return;
    const fail = (reason: string) => forbidden(`Argument ${i + 1}, ${reason}: ${value}`);
    switch (def.type) {
      case 'MONITOR': {
        const monitor = model.monitors.get(value);
        if (!monitor) throw fail('monitor not found');
        if (def.matchesDomain && !matches(monitor.module)) throw fail("monitor and domain names don't match");
        resolved.monitor = monitor;
        break;
      }
      case 'FILTER': {
        const filter = model.filters.get(value);
        if (!filter) throw fail('filter not found');
        if (def.matchesDomain && !matches(filter.module)) throw fail("filter and domain names don't match");
        resolved.filter = filter;
        break;
      }
      case 'SERVICE': {
        const service = model.services.get(value);
        if (!service) throw fail('service not found');
        if (def.matchesDomain && !matches(service.router)) throw fail("router and domain names don't match");
        resolved.service = service;
        break;
      }
      case 'SERVER': {
        const server = model.findServer(value);
        if (!server) throw fail('server not found');
        resolved.servers.push(server.name);
        break;
      }
      case 'BOOLEAN':
        if (!/^(true|yes|on|1|false|no|off|0)$/i.test(value)) throw fail('not a boolean value');
        resolved.strings.push(value);
        break;
      default:
        resolved.strings.push(value);
    }
  });
  return resolved;
}

/** Runs a MariaDB monitor command on the monitor's probed servers, in one transaction. */
function mariadbmon(model: MaxscaleModel, command: string, r: Resolved): CommandResult {
  const monitor = r.monitor as MonitorRecord;
  if (monitor.state !== 'Running') throw forbidden(`The monitor '${monitor.name}' is not running, cannot execute manual commands`);
  const [first, second] = r.servers;
  model.store.transaction(() => {
    model.reprobe(monitor.name, (list) => {
      if (command === 'switchover') switchover(list, monitor.name, first, second);
      else if (command === 'failover') failover(list, monitor.name);
      else if (command === 'rejoin') rejoin(list, monitor.name, first as string);
      else resetReplication(list, monitor.name, first);
    });
  });
  return {};
}

/**
 * `rules` shows the loaded rules as JSON; `rules/reload [PATH]` re-reads them (only inside
 * the configured rules folder, see RuleFiles), keeping the old ones when it fails.
 */
async function dbfwfilter(model: MaxscaleModel, command: string, r: Resolved, ruleFiles: RuleFiles): Promise<CommandResult> {
  const filter = r.filter as FilterRecord;
  if (command === 'rules') return { output: filter.dbfw_rules ?? [] };
  const [path] = r.strings;
  const loaded = await ruleFiles.load(path ?? String(filter.parameters.rules));
  model.store.transaction(() => {
    const current = model.getFilter(filter.name);
    model.filters.put(filter.name, {
      ...current,
      parameters: path === undefined ? current.parameters : { ...current.parameters, rules: path },
      dbfw_rules: loaded,
    });
  });
  return {};
}

/** qlafilter's `log_data` flags in the order its header and entries print them (qlafilter.cc). */
const QLA_HEADER: [flag: string, column: string][] = [
  ['service', 'Service'],
  ['session', 'Session'],
  ['date', 'Date'],
  ['user', 'User@Host'],
  ['reply_time', 'Reply_time'],
  ['query', 'Query'],
];

/** A quoted string parameter's value without its quotes, as MaxScale stores it. */
function unquoted(value: unknown, fallback: string): string {
  const s = value === undefined ? fallback : String(value);
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** C's atoi: the leading integer, 0 when there is none. */
function atoi(s: string | undefined): number {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

/**
 * `log FILTER [START [END]]`: the lines of the filter's unified log file. No
 * client traffic passes through the twin, so the file holds the one header
 * line MaxScale writes when it creates it: the `log_data` columns joined by
 * `separator`. START lines are skipped; END (exclusive, 0 for none) stops.
 */
function qlafilter(r: Resolved): CommandResult {
  const filter = r.filter as FilterRecord;
  const types = String(filter.parameters.log_type ?? 'session').split(/[,\s]+/);
  if (!types.includes('unified')) throw forbidden(`Filter '${filter.name}' does not have unified log file enabled`);
  const flags = String(filter.parameters.log_data ?? 'date,user,query').split(/[,\s]+/);
  const columns = QLA_HEADER.filter(([flag]) => flags.includes(flag)).map(([, column]) => column);
  const lines = columns.length ? [columns.join(unquoted(filter.parameters.separator, ','))] : [];
  const [start, end] = [atoi(r.strings[0]), atoi(r.strings[1])];
  const out: string[] = [];
  for (let current = Math.max(start, 0); current < lines.length && (current < end || end === 0); current++) {
    out.push(lines[current] as string);
  }
  return { output: out };
}

/** `show FILTER`: an idle cache's statistics (no rules file, nothing cached), one storage per routing thread. */
function cache(model: MaxscaleModel, r: Resolved): CommandResult {
  const filter = r.filter as FilterRecord;
  const storage = { size: 0, items: 0, hits: 0, misses: 0, updates: 0, deletes: 0 };
  const output: Record<string, unknown> = { rules: [] };
  if (String(filter.parameters.cached_data ?? 'thread_specific') === 'shared') {
    output.storage = storage;
  } else {
    const threads = Number(model.core().parameters.threads) || 1;
    for (let i = 1; i <= threads; i++) output[`thread-${i}`] = { storage: { ...storage } };
  }
  return { output };
}

/** avrorouter's `convert SERVICE start|stop`: anything else fails, as MaxScale's command does. */
function avrorouter(command: string, r: Resolved): CommandResult {
  if (command === 'convert' && r.strings[0] !== 'start' && r.strings[0] !== 'stop') {
    throw forbidden(`Unknown action '${r.strings[0]}': expected 'start' or 'stop'`);
  }
  return {};
}

export function runModuleCommand(
  model: MaxscaleModel,
  moduleName: string,
  commandId: string,
  method: 'GET' | 'POST',
  args: string[],
  ruleFiles: RuleFiles,
): CommandResult | Promise<CommandResult> {
  const registered = commandsOfDomain(moduleName);
  if (registered.length === 0 && !findModule(moduleName)) throw ApiError.from(Errors.NOT_FOUND, `No module named '${moduleName}'`);
  // A command of another module with the same identifier is not this module's command.
  const command = registered.find((c) => c.id === commandId);
  if (!command) throw ApiError.from(Errors.NOT_FOUND, `Command not found: ${moduleName}::${commandId}`);
  if (command.method !== method) {
    throw ApiError.from(Errors.NOT_FOUND, `Command '${commandId}' of '${command.domain}' is called with ${command.method}, not ${method}`);
  }
  const resolved = resolveArguments(model, command, args);
  switch (canonicalModule(command.domain)) {
    case 'mariadbmon':
      return mariadbmon(model, command.id, resolved);
    case 'dbfwfilter':
      return dbfwfilter(model, command.id, resolved, ruleFiles);
    case 'qlafilter':
      return qlafilter(resolved);
    case 'cache':
      return cache(model, resolved);
    case 'avrorouter':
      return avrorouter(command.id, resolved);
    default:
      // tee's enable/disable, masking's reload and CDC's add_user act on what
      // the twin does not have (client traffic, rule and user files): they succeed.
      return {};
  }
}
