#!/usr/bin/env node
/**
 * The `apitwin` command line. `apitwin serve` starts both twins.
 */
import { ConfigError, loadConfig, OPTIONS } from './config.js';
import { startServer } from './server.js';

const USAGE = `Usage: apitwin <command> [options]

Commands:
  serve       serve the MaxScale and pip-sessions twins

Options of serve (each also settable by its environment variable):
${Object.entries(OPTIONS)
  .map(([flag, o]) => `  --${flag.padEnd(22)} ${o.help} [${o.env}]`)
  .join('\n')}
`;

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  const server = await startServer(config);
  server.logger.info({ urls: server.urls }, `MaxScale twin: ${server.urls.maxscale}/v1/ (user ${config.adminUser})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === 'serve') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    await serve(rest);
    return -1; // keeps running
  }
  process.stderr.write(`apitwin: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`apitwin: ${message}\n`);
    process.exit(1);
  },
);
