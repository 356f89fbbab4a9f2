#!/usr/bin/env node
/**
 * The `apitwin` command line.
 *
 *   apitwin serve      serves both twins until SIGTERM/SIGINT (what `make run` uses)
 *   apitwin contract   runs the contract suite against an implementation (contract-tests/cli.ts)
 *
 * Usage errors exit 1 with one line on stderr saying what was wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exposureWarnings, startupBanner } from './admin/startup.js';
import { type Config, ConfigError, loadConfig, OPTIONS } from './config.js';
import type { RunningServer } from './server.js';
import { projectRoot } from './spec/load.js';

const MAIN_USAGE = `Usage: apitwin <command> [options]

Stateful, spec-validated twins of the MariaDB MaxScale 2.3 REST API and the
Pip.Services Sessions v1 API, and a contract suite for real implementations.

Commands:
  serve       serve both twins, each with Swagger UI at /docs
  contract    test an implementation of either API (or any OpenAPI 3 spec) against its spec
  help        show this help
  version     print the version (also --version)

Run 'apitwin <command> --help' for the options of a command.
`;

const optionLines = Object.entries(OPTIONS)
  .map(([flag, o]) => `  --${`${flag}=${o.arg}`.padEnd(28)} ${o.help}\n  ${''.padEnd(30)} env ${o.env}`)
  .join('\n');

const SERVE_USAGE = `Usage: apitwin serve [options]

Serves the MaxScale twin (default http://127.0.0.1:8989/v1/, Basic auth
admin:mariadb) and the pip-sessions twin (default http://127.0.0.1:8080).
Each port also serves Swagger UI at /docs and the specs at /openapi.json,
/openapi.yaml and /openapi/<name>.json. Logs are JSON lines (pino) on stdout,
one per request. SIGTERM or SIGINT stops it once requests in flight are answered.

Every option can also be set by its environment variable; a flag wins.

Options:
${optionLines}
  --help                         show this help

With --spec FILE_OR_URL it serves a stateful twin of that spec instead (any
OpenAPI 3.0 / 3.1 or Swagger 2.0 document; default port 4010): resources
inferred from the paths, state from the spec's examples or --data-file,
every request and response validated, Swagger UI at /docs.

Examples:
  apitwin serve
  apitwin serve --spec petstore.yaml --port 4010
  apitwin serve --maxscale-port=9989 --pip-port=9080 --log-level=warn
  APITWIN_STORE=sqlite:twin.db APITWIN_HOST=0.0.0.0 apitwin serve
`;

const CONTRACT_FALLBACK_USAGE = `Usage: apitwin contract [options]

Runs the contract suite (contract-tests/) against an implementation of the
MaxScale or pip-sessions API. This build does not include it.
`;

/** The installed package's version, from its package.json. */
function version(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/**
 * The startup line: always one JSON log line with a stable `urls` object (and
 * a warning line for each risk of the address listened on); on a terminal,
 * also a banner for a person.
 */
function announce(server: RunningServer): void {
  const { config } = server;
  const { maxscale, pip } = server.urls;
  const urls = { maxscale, pip, docs: `${maxscale}/docs`, ...(config.adminApi ? { admin: `${maxscale}/__apitwin` } : {}) };
  // Where to find the twins is printed at any log level but silent (the JSON line is what scripts wait for).
  const announcer = config.logLevel === 'silent' ? server.logger : server.logger.child({}, { level: 'info' });
  announcer.info({ urls }, `apitwin is serving: MaxScale REST API ${maxscale}/v1/, pip-sessions API ${pip}/, Swagger UI ${urls.docs}`);
  const model = server.apps.maxscaleModel;
  const warnings = exposureWarnings(config, model);
  for (const warning of warnings) server.logger.warn({ host: config.host }, warning);
  if (process.stdout.isTTY) {
    process.stdout.write(startupBanner({ urls: server.urls, config, authOn: !model.adminAuthDisabled(), warnings }));
  }
}

/** Which option chose a port that could not be bound, so the message says what to change. */
function listenError(err: unknown, config: Config): Error | undefined {
  const e = err as { code?: unknown; port?: unknown; address?: unknown };
  if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES' && e.code !== 'EADDRNOTAVAIL') return undefined;
  const option = e.port === config.pipPort ? OPTIONS['pip-port'] : OPTIONS['maxscale-port'];
  const flag = e.port === config.pipPort ? '--pip-port' : '--maxscale-port';
  if (e.code === 'EADDRNOTAVAIL') return new ConfigError(`cannot listen on ${String(e.address)}: set --host or ${OPTIONS.host.env}`);
  const why = e.code === 'EADDRINUSE' ? 'is in use' : 'is not allowed';
  return new ConfigError(`port ${String(e.port)} on ${String(e.address)} ${why}: choose another with ${flag} or ${option.env}`);
}

/** `serve --spec`: the generic twin of any spec, until SIGTERM/SIGINT. */
async function serveSpec(config: Config): Promise<void> {
  const { startSpecTwin } = await import('./generic/serve.js');
  const twin = await startSpecTwin(config).catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ConfigError(`port ${config.port} is in use: choose another with --port or APITWIN_PORT`);
    throw err;
  });
  const stop = (signal: NodeJS.Signals) => {
    twin.logger.info({ signal }, 'shutting down: finishing requests in flight');
    twin.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  if (config.spec !== undefined) return serveSpec(config);
  // Imported here, not above: `serve --spec` does not load the two hand-made twins.
  const { startServer } = await import('./server.js');
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    throw listenError(err, config) ?? err;
  }
  announce(server);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the user does not want to wait for requests in flight.
      server.logger.warn({ signal }, 'stopping at once');
      process.exit(1);
    }
    stopping = true;
    server.logger.info({ signal }, 'shutting down: finishing requests in flight');
    server.close().then(
      () => {
        server.logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

interface ContractModule {
  runContractCli: (argv: string[]) => Promise<number>;
}

/**
 * How an ES module is imported from here. The built command is a CommonJS bundle that its launcher
 * (scripts/cli-launcher.mjs) compiles from V8's cache, and such code has no module loader behind its
 * own import() on Node 20: the launcher lends its import() under this key.
 */
const LENT_IMPORT = Symbol.for('apitwin.import');
const importModule = (specifier: string): Promise<unknown> =>
  ((globalThis as { [LENT_IMPORT]?: (s: string) => Promise<unknown> })[LENT_IMPORT] ?? ((s: string) => import(s)))(specifier);

/** contract-tests/cli is loaded only when asked for (it is another module, built beside this one in dist/). */
async function loadContractCli(): Promise<ContractModule | undefined> {
  const url = new URL('../contract-tests/cli.js', import.meta.url);
  try {
    const mod = (await importModule(url.href)) as Partial<ContractModule>;
    return typeof mod.runContractCli === 'function' ? (mod as ContractModule) : undefined;
  } catch (err) {
    // Only the module itself missing means "not in this build"; a broken import inside it is an error to show.
    const missing =
      (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(fileURLToPath(url));
    if (missing) return undefined;
    throw err;
  }
}

async function contract(argv: string[]): Promise<number> {
  const mod = await loadContractCli();
  if (mod) return mod.runContractCli(argv);
  if (wantsHelp(argv)) {
    process.stdout.write(CONTRACT_FALLBACK_USAGE);
    return 0;
  }
  throw new Error('the contract suite is not part of this build (contract-tests/cli.js is missing)');
}

/** Runs a command; resolves to its exit code, or undefined while `serve` keeps running. */
async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      process.stderr.write(MAIN_USAGE);
      return 1;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(MAIN_USAGE);
      return 0;
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`apitwin ${version()}\n`);
      return 0;
    case 'serve':
      if (wantsHelp(rest)) {
        process.stdout.write(SERVE_USAGE);
        return 0;
      }
      await serve(rest);
      return undefined;
    case 'contract':
      return contract(rest);
    default:
      throw new ConfigError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    const usage = err instanceof ConfigError ? ` (see 'apitwin ${process.argv[2] === 'serve' ? 'serve ' : ''}--help')` : '';
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`apitwin: ${message}${usage}\n`);
    process.exit(1);
  },
);
