/**
 * Module commands (`GET|POST /maxscale/modules/:module/:command`), simulated
 * against the twin's state as MaxScale 2.3's modulecmd framework runs them:
 * - an unknown module or command, or the wrong HTTP method for the command
 *   (GET for read-only commands, POST for the others), is a 404;
 * - the arguments are the query string's keys in order; too few or too many,
 *   or one that names no object of the expected type (a MONITOR or FILTER
 *   must also use the command's module), is a 403;
 * - a command that refuses to run (a switchover to a server that is not a
 *   slave, a rule file that cannot be parsed) is a 403 with the reason;
 * - a command with output answers 200 with the output in `meta`, one without
 *   answers 204.
 */
import { ApiError, Errors } from '../errors.js';
import type { RuleFiles } from './dbfw.js';
import type { MaxscaleModel } from './model.js';
import { type CommandDef, canonicalModule, findModule, type ModuleDef } from './modules.js';
import type { FilterRecord, MonitorRecord } from './records.js';
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

/** The arguments resolved to the objects they name. */
interface Resolved {
  monitor?: MonitorRecord;
  filter?: FilterRecord;
  servers: string[];
  strings: string[];
}

function resolveArguments(model: MaxscaleModel, module: ModuleDef, command: CommandDef, args: string[]): Resolved {
  const min = command.args.filter((a) => a.required).length;
  const max = command.args.length;
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw forbidden(
      `Wrong number of arguments for '${module.name} ${command.id}': expected ${expected} (${command.args
        .map((a) => (a.required ? a.description : `[${a.description}]`))
        .join(', ')}), got ${args.length}`,
    );
  }
  const resolved: Resolved = { servers: [], strings: [] };
  args.forEach((arg, i) => {
    const def = command.args[i];
    if (!def) return;
    switch (def.type) {
      case 'MONITOR': {
        const monitor = model.monitors.get(arg);
        if (!monitor || canonicalModule(monitor.module) !== module.name)
          throw forbidden(`Argument ${i + 1}: '${arg}' is not a monitor that uses '${module.name}'`);
        resolved.monitor = monitor;
        break;
      }
      case 'FILTER': {
        const filter = model.filters.get(arg);
        if (!filter || canonicalModule(filter.module) !== module.name)
          throw forbidden(`Argument ${i + 1}: '${arg}' is not a filter that uses '${module.name}'`);
        resolved.filter = filter;
        break;
      }
      case 'SERVER': {
        const server = model.findServer(arg);
        if (!server) throw forbidden(`Argument ${i + 1}: '${arg}' is not a server`);
        resolved.servers.push(server.name);
        break;
      }
      default:
        resolved.strings.push(arg);
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

async function dbfwfilter(model: MaxscaleModel, command: string, r: Resolved, ruleFiles: RuleFiles): Promise<CommandResult> {
  const filter = r.filter as FilterRecord;
  const rules = filter.dbfw_rules ?? [];
  if (command === 'rules/json') return { output: rules };
  if (command === 'rules') {
    return { output: ['Rule, Type, Times Matched', ...rules.map((x) => `${x.name}, ${x.type}, ${x.times_matched}`)].join('\n') };
  }
  // rules/reload [PATH]: the old rules stay if the file cannot be read or parsed.
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

export function runModuleCommand(
  model: MaxscaleModel,
  moduleName: string,
  commandId: string,
  method: 'GET' | 'POST',
  args: string[],
  ruleFiles: RuleFiles,
): CommandResult | Promise<CommandResult> {
  const module = findModule(moduleName);
  if (!module) throw ApiError.from(Errors.NOT_FOUND, `No module named '${moduleName}'`);
  const command = module.commands.find((c) => c.id === commandId);
  if (!command) throw ApiError.from(Errors.NOT_FOUND, `Module '${module.name}' has no command '${commandId}'`);
  if (command.method !== method) {
    throw ApiError.from(Errors.NOT_FOUND, `Command '${commandId}' of '${module.name}' is called with ${command.method}, not ${method}`);
  }
  const resolved = resolveArguments(model, module, command, args);
  if (module.name === 'mariadbmon') return mariadbmon(model, command.id, resolved);
  if (module.name === 'dbfwfilter') return dbfwfilter(model, command.id, resolved, ruleFiles);
  throw ApiError.from(Errors.NOT_IMPLEMENTED, `Command '${commandId}' of '${module.name}' is not simulated`);
}
