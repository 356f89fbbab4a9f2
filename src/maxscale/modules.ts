/**
 * The module catalogue: every module MaxScale 2.3 ships, as `GET /maxscale/modules`
 * lists them, with their declared parameters and module commands, and the core
 * parameters of each kind of object. The catalogue is data,
 * `data/maxscale-modules-2.3.json`, extracted from MaxScale 2.3's source (53
 * modules, 213 module parameters, 14 module commands); it is read once, when
 * this module is first imported. The model uses the same catalogue to refuse
 * unknown modules and to check and default parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, Errors } from '../errors.js';
import { projectRoot } from '../spec/load.js';
import type { Params, ParamValue } from './records.js';

export type ModuleType = 'Filter' | 'Router' | 'Monitor' | 'Protocol' | 'Authenticator' | 'QueryClassifier';
export type Maturity = 'In development' | 'Alpha' | 'Beta' | 'GA' | 'Experimental';

/** MaxScale 2.3's parameter types, as `mxs_module_param_type_to_string` names them. */
export const PARAM_TYPES = [
  'count',
  'int',
  'size',
  'bool',
  'string',
  'quoted string',
  'password string',
  'enum',
  'path',
  'service',
  'server',
  'serverlist',
  'regular expression',
] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamDef {
  name: string;
  type: ParamType;
  default_value?: string;
  enum_values?: string[];
  /** An enum that takes a comma-separated list of its values (qlafilter's `log_data`); the others take one. */
  multi?: boolean;
  mandatory?: boolean;
  /** Still accepted, but MaxScale warns that it is deprecated. */
  deprecated?: boolean;
}

/** The argument types of MaxScale 2.3's module commands, as `modulecmd_argtype_to_str` names them. */
export type CommandArgType = 'MONITOR' | 'SERVER' | 'FILTER' | 'SERVICE' | 'STRING' | 'BOOLEAN';

export interface CommandArg {
  type: CommandArgType;
  description: string;
  required: boolean;
  /**
   * MODULECMD_ARG_NAME_MATCHES_DOMAIN: the monitor, filter or service must
   * use the command's module (a qlafilter command refuses a dbfwfilter).
   */
  matchesDomain: boolean;
}

export interface CommandDef {
  id: string;
  /** The name commands are registered and called under: the module's own name, or another (CDCPlainAuth's `cdc`). */
  domain: string;
  /** GET for passive commands, POST for those that modify data. */
  method: 'GET' | 'POST';
  description: string;
  args: CommandArg[];
}

export interface ModuleDef {
  name: string;
  module_type: ModuleType;
  version: string;
  description: string;
  status: Maturity;
  /** The old names MaxScale 2.3 still loads this module under. */
  aliases: string[];
  parameters: ParamDef[];
  commands: CommandDef[];
}

/** The kinds of object whose core parameters MaxScale declares (server/core/config.cc). */
export type CoreKind = 'server' | 'service' | 'monitor' | 'listener' | 'filter';
export const CORE_KINDS: readonly CoreKind[] = ['server', 'service', 'monitor', 'listener', 'filter'];

// ---- reading the catalogue ---------------------------------------------

/** The catalogue file, under the project's data directory. */
export const CATALOGUE_FILE = 'data/maxscale-modules-2.3.json';

const MODULE_TYPES: readonly ModuleType[] = ['Filter', 'Router', 'Monitor', 'Protocol', 'Authenticator', 'QueryClassifier'];
const MATURITIES: readonly Maturity[] = ['In development', 'Alpha', 'Beta', 'GA', 'Experimental'];
const ARG_TYPES: Record<string, CommandArgType> = {
  monitor: 'MONITOR',
  server: 'SERVER',
  filter: 'FILTER',
  service: 'SERVICE',
  string: 'STRING',
  boolean: 'BOOLEAN',
};

/**
 * Enums that take a comma-separated list of values: flags OR'd together.
 * MaxScale declares every other enum MXS_MODULE_OPT_ENUM_UNIQUE; the extracted
 * catalogue does not carry that option, so the few lists are named here
 * (`options` is the regex options parameter of every filter that has one).
 */
const MULTI_VALUE_ENUMS = new Set(['*.options', 'qlafilter.log_type', 'qlafilter.log_data', 'nullfilter.capabilities', 'monitor.events']);

class CatalogueError extends Error {
  override name = 'CatalogueError';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a member as a string (or one of `allowed`); a catalogue that does not match its format is a start-up error. */
function str<T extends string = string>(o: Json, key: string, where: string, allowed?: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || (allowed && !allowed.includes(v as T))) {
    throw new CatalogueError(`${CATALOGUE_FILE}: ${where}.${key}: expected ${allowed ? `one of ${allowed.join(', ')}` : 'a string'}`);
  }
  return v as T;
}

function list(o: Json, key: string, where: string): Json[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v) || !v.every(isObject)) throw new CatalogueError(`${CATALOGUE_FILE}: ${where}.${key}: expected an array of objects`);
  return v;
}

function readParam(owner: string, raw: Json, where: string): ParamDef {
  const name = str(raw, 'name', where);
  const def: ParamDef = { name, type: str(raw, 'type', where, PARAM_TYPES) };
  if (raw.default_value !== null && raw.default_value !== undefined) def.default_value = str(raw, 'default_value', where);
  if (raw.enum_values !== undefined) {
    if (!Array.isArray(raw.enum_values) || !raw.enum_values.every((v) => typeof v === 'string')) {
      throw new CatalogueError(`${CATALOGUE_FILE}: ${where}.enum_values: expected an array of strings`);
    }
    def.enum_values = [...raw.enum_values];
    if (MULTI_VALUE_ENUMS.has(`${owner}.${name}`) || MULTI_VALUE_ENUMS.has(`*.${name}`)) def.multi = true;
  }
  if (raw.mandatory === true) def.mandatory = true;
  if (raw.deprecated === true) def.deprecated = true;
  return def;
}

interface Catalogue {
  modules: ModuleDef[];
  core: Record<CoreKind, ParamDef[]>;
}

/** The commands' domains name modules, and an argument's kind must match its domain's module type. */
const DOMAIN_TYPE: Partial<Record<CommandArgType, ModuleType>> = { MONITOR: 'Monitor', FILTER: 'Filter', SERVICE: 'Router' };

function readCatalogue(path: string): Catalogue {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isObject(raw) || !isObject(raw.core_parameters)) throw new CatalogueError(`${CATALOGUE_FILE}: expected core_parameters and modules`);
  const coreRaw = raw.core_parameters;
  const core = Object.fromEntries(
    CORE_KINDS.map((kind) => [
      kind,
      list(coreRaw, kind, 'core_parameters').map((p, i) => readParam(kind, p, `core_parameters.${kind}[${i}]`)),
    ]),
  ) as Record<CoreKind, ParamDef[]>;

  const modules: ModuleDef[] = list(raw, 'modules', '').map((m, i) => {
    const where = `modules[${i}]`;
    const name = str(m, 'name', where);
    const aliases = m.aliases === undefined ? [] : m.aliases;
    if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string')) {
      throw new CatalogueError(`${CATALOGUE_FILE}: ${where}.aliases: expected an array of strings`);
    }
    return {
      name,
      module_type: str(m, 'module_type', where, MODULE_TYPES),
      version: str(m, 'version', where),
      description: str(m, 'description', where),
      status: str(m, 'maturity', where, MATURITIES),
      aliases: [...aliases],
      parameters: list(m, 'parameters', where).map((p, j) => readParam(name, p, `${where}.parameters[${j}]`)),
      commands: list(m, 'commands', where).map((c, j) => {
        const at = `${where}.commands[${j}]`;
        const domain = typeof c.domain === 'string' ? c.domain : name;
        return {
          id: str(c, 'id', at),
          domain,
          method: str(c, 'method', at, ['GET', 'POST'] as const),
          description: str(c, 'description', at),
          args: list(c, 'parameters', at).map((a, k) => {
            const type = ARG_TYPES[str(a, 'type', `${at}.parameters[${k}]`, Object.keys(ARG_TYPES))] as CommandArgType;
            return {
              type,
              description: str(a, 'description', `${at}.parameters[${k}]`),
              required: a.required === true,
              matchesDomain: false,
            };
          }),
        };
      }),
    };
  });

  // MaxScale 2.3 declares every monitor, filter and service argument with
  // MODULECMD_ARG_NAME_MATCHES_DOMAIN when the domain is a module of that
  // kind; CDCPlainAuth's `add_user` (domain `cdc`, a protocol) takes any service.
  for (const module of modules) {
    for (const command of module.commands) {
      const domainModule = modules.find((m) => m.name.toLowerCase() === command.domain.toLowerCase());
      for (const arg of command.args)
        arg.matchesDomain = DOMAIN_TYPE[arg.type] !== undefined && domainModule?.module_type === DOMAIN_TYPE[arg.type];
    }
  }
  return { modules, core };
}

const CATALOGUE = readCatalogue(join(projectRoot(), CATALOGUE_FILE));

/** Every module of MaxScale 2.3, in the catalogue's order. */
export const MODULES: readonly ModuleDef[] = CATALOGUE.modules;

/** Every module command, whatever module declares it. */
export const COMMANDS: readonly CommandDef[] = MODULES.flatMap((m) => m.commands);

/**
 * The core parameters MaxScale 2.3 declares for a kind of object (server/core/config.cc),
 * with their types, defaults and enum values, `type` and the section's other
 * configuration-file names (`router`, `module`, `protocol`, `service`, `servers`,
 * `filters`) included: the REST API carries those outside `parameters`, so
 * `parameterDefs` leaves them out.
 */
export function coreParameterDefs(kind: CoreKind): readonly ParamDef[] {
  return CATALOGUE.core[kind];
}

/** The configuration-file names a resource carries outside `attributes.parameters` (as relationships or attributes). */
const SECTION_KEYS: Record<CoreKind, readonly string[]> = {
  server: ['type'],
  service: ['type', 'router', 'servers', 'filters'],
  monitor: ['type', 'module', 'servers'],
  listener: ['type', 'service'],
  filter: ['type', 'module'],
};

/**
 * The parameters an object's `attributes.parameters` may hold: the kind's core
 * parameters (without the names carried elsewhere, see `coreParameterDefs`) and,
 * when given, its module's (a service's router, a monitor's or filter's module).
 */
export function parameterDefs(kind: CoreKind, module?: ModuleDef): ParamDef[] {
  const core = CATALOGUE.core[kind].filter((d) => !SECTION_KEYS[kind].includes(d.name));
  return module ? [...core, ...module.parameters.filter((p) => !core.some((c) => c.name === p.name))] : core;
}

/** Parameters every monitor has (monitor.cc), whatever its module. `user` and `password` are mandatory. */
export const COMMON_MONITOR_PARAMETERS: readonly ParamDef[] = parameterDefs('monitor');

/** Every parameter a monitor of this module can have: the common ones, then the module's. */
export function monitorParameterDefs(module: ModuleDef): ParamDef[] {
  return parameterDefs('monitor', module);
}

const API_OF: Record<ModuleType, string> = {
  Filter: 'filter',
  Router: 'router',
  Monitor: 'monitor',
  Protocol: 'protocol',
  Authenticator: 'authenticator',
  QueryClassifier: 'query_classifier',
};

/** The module API string MaxScale shows (`mxs_module_api_to_string`). */
export function apiOf(type: ModuleType): string {
  return API_OF[type];
}

/** The old module names MaxScale 2.3 maps to new ones (load_utils.cc), and the catalogue's own aliases. */
const ALIASES: Record<string, string> = {
  mysqlmon: 'mariadbmon',
  ...Object.fromEntries(MODULES.flatMap((m) => m.aliases.map((a) => [a.toLowerCase(), m.name]))),
};

/** Module names are case-insensitive when MaxScale loads them (`router=ReadWriteSplit` works), and old names are aliases. */
export function findModule(name: string): ModuleDef | undefined {
  const key = name.toLowerCase();
  // Own keys only: `__proto__` or `constructor` must not find Object's.
  const lower = (Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined)?.toLowerCase() ?? key;
  return MODULES.find((m) => m.name === name) ?? MODULES.find((m) => m.name.toLowerCase() === lower);
}

/** The module's own name for a name or alias; unknown names stay as they are. */
export function canonicalModule(name: string): string {
  return findModule(name)?.name ?? name;
}

/**
 * The commands registered under a domain, as `modulecmd_find_command` finds them:
 * the domain is case-insensitive and an old module name means its new one.
 */
export function commandsOfDomain(domain: string): CommandDef[] {
  const key = domain.toLowerCase();
  // Own keys only, as in findModule: `__proto__` must not find Object's prototype.
  const effective = ((Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined) ?? domain).toLowerCase();
  return COMMANDS.filter((c) => c.domain.toLowerCase() === effective);
}

const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

/** The module a monitor, filter, service, server or listener names; an unknown one, or one of the wrong type, is a 403. */
export function requireModule(name: string, type: ModuleType): ModuleDef {
  const module = findModule(name);
  if (!module) throw forbidden(`Failed to load module '${name}': MaxScale 2.3 has no such module (see GET /maxscale/modules)`);
  if (module.module_type !== type) {
    throw forbidden(`Module '${module.name}' is a ${module.module_type} module, not a ${type} module`);
  }
  return module;
}

// ---- checking parameters -------------------------------------------------

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;
/** config.cc's size syntax: digits, then an optional K, M, G or T suffix (Ki, Mi… for powers of 1024). */
const SIZE = /^\d+([kmgt]i?)?$/i;

/** Checks one value against its definition and returns it normalized (booleans and numbers typed). */
function checkValue(module: string, def: ParamDef, value: ParamValue): ParamValue {
  const bad = (what: string) => forbidden(`Invalid value '${String(value)}' for parameter '${def.name}' of '${module}': ${what}`);
  switch (def.type) {
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (TRUE.test(String(value))) return true;
      if (FALSE.test(String(value))) return false;
      throw bad('expected a boolean');
    case 'count':
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isInteger(n)) throw bad('expected an integer');
      if (def.type === 'count' && n < 0) throw bad('expected a non-negative integer');
      return n;
    }
    case 'size':
      if (typeof value === 'boolean' || !SIZE.test(String(value).trim()))
        throw bad('expected a size (a number, optionally with a K, M, G or T suffix)');
      return value;
    case 'enum': {
      // config.cc splits on commas and whitespace; a unique enum takes exactly one value.
      const values = String(value)
        .split(/[,\s]+/)
        .filter((v) => v !== '');
      if (values.length === 0 || (!def.multi && values.length > 1) || values.some((v) => !def.enum_values?.includes(v))) {
        throw bad(`expected ${def.multi ? 'a comma-separated list of' : 'one of'} ${def.enum_values?.join(', ')}`);
      }
      return String(value);
    }
    default:
      return value;
  }
}

/** A definition's default as a typed value. */
function defaultOf(def: ParamDef): ParamValue | undefined {
  if (def.default_value === undefined) return undefined;
  if (def.type === 'bool') return TRUE.test(def.default_value);
  if (def.type === 'count' || def.type === 'int') return Number(def.default_value);
  return def.default_value;
}

/**
 * Checks parameters against the definitions: unknown names, bad values and
 * (on creation) missing mandatory parameters are 403s. On creation the
 * defaults of the parameters not given are filled in, as MaxScale shows them.
 */
export function checkParameters(module: string, defs: readonly ParamDef[], given: Params, mode: 'create' | 'update'): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(given)) {
    const def = defs.find((d) => d.name === name);
    if (!def) throw forbidden(`Unknown parameter '${name}' for '${module}'`);
    out[name] = checkValue(module, def, value);
  }
  if (mode === 'update') return out;
  const missing = defs.filter((d) => d.mandatory && !(d.name in given)).map((d) => d.name);
  if (missing.length) throw forbidden(`Missing mandatory parameter${missing.length > 1 ? 's' : ''} for '${module}': ${missing.join(', ')}`);
  const filled: Params = {};
  for (const def of defs) {
    const value = def.name in out ? out[def.name] : defaultOf(def);
    if (value !== undefined) filled[def.name] = value;
  }
  return filled;
}

/** The type string MaxScale shows for a command argument: `SERVER`, or `[SERVER]` when optional. */
export function argTypeString(arg: CommandArg): string {
  return arg.required ? arg.type : `[${arg.type}]`;
}
