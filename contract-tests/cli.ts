/**
 * `apitwin contract`: runs the contract suite against any implementation of
 * one of our specs and tells where it breaks the contract. `src/cli.ts`
 * calls `runContractCli`; this file also runs on its own:
 * `node --import tsx contract-tests/cli.ts --api maxscale --target URL`.
 *
 * Exit code: 0 when every check passed, 1 when one failed, 2 for a usage error,
 * 3 when the target is not the API (nothing answers, credentials refused, not the API).
 */
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runDifferentialCli } from './differential/cli.js';
import { runSuite } from './engine/run.js';
import { planOf } from './engine/safety.js';
import { loadSpecModel } from './engine/spec.js';
import { type ApiName, CHECK_NAMES, CHECKS, type CheckName, PHASES, type Phase, type SuiteOutcome } from './engine/types.js';
import { toJson, toJUnit, writeReport } from './reporting/files.js';
import { terminalReporter } from './reporting/terminal.js';

const APIS: readonly ApiName[] = ['maxscale', 'pip-sessions'];

export const CONTRACT_USAGE = `Usage: apitwin contract (--api maxscale|pip-sessions | --spec FILE_OR_URL) --target URL [options]

Runs the contract suite of a spec against any implementation and reports,
check by check, where it breaks the contract. Safe against a system it did not
create: it writes only to objects it creates (fresh names, deleted at the end),
puts back shared settings it changes, and skips what it cannot undo.

Options:
  --api NAME             maxscale or pip-sessions (apitwin's own specs)
  --spec FILE_OR_URL     any OpenAPI 3 spec instead; checks that need what the spec
                         does not give are skipped with the reason
  --target URL           base URL of the implementation; without a path the spec's
                         server path is added (MaxScale: /v1)
  --user U               user for HTTP Basic (MaxScale default: admin)
  --password P           its password (MaxScale default: mariadb)
  --only CHECK           run only these checks or phases (repeat, or comma-separated)
  --report junit=FILE    write a JUnit XML report (repeatable with json=FILE)
  --report json=FILE     write a JSON report: each failure with its request, response
                         and what was expected
  --allow-destructive    also send what changes the target's own objects for good
                         (a switchover, deleting other admins, closing expired sessions)
  --isolate              reset the target between Dredd transactions through the twin's
                         admin API (only for a twin started with --admin-api)
  --quiet                print only the failures and the summary
  --timeout MS           per-request timeout (default 10000)
  --reference URL        instead of the checks, a differential run (pip-sessions): send
                         the same few hundred requests to --target and to this reference
                         implementation (both started empty) and report every answer that
                         differs, ids and times aside, outside the intended deviations
  -h, --help             this help

Phases and checks:
${PHASES.map(
  (phase) =>
    `  ${phase}\n${CHECK_NAMES.filter((c) => CHECKS[c].phase === phase)
      .map((c) => `    ${c.padEnd(30)} ${CHECKS[c].asserts}`)
      .join('\n')}`,
).join('\n')}

The conformance checks judge every response of every phase. Every failure is
printed with a title, "Received: … / Documented: …" and a curl command that
repeats the request. The last line is "N passed, N failed".

Before the phases the target is probed (the spec's root operations): when
nothing answers, the credentials are refused or what answers is not the API,
the run ends with one sentence saying so (and writes the reports).

Exit code: 0 when every check passed, 1 when any failed, 2 for a usage error,
3 when the target is not the API.
`;

class UsageError extends Error {}

interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export interface ParsedContractArgs {
  /** Our API, or the spec's file name for --spec. */
  api: string;
  spec?: string;
  target: string;
  user?: string;
  password?: string;
  only: CheckName[];
  reports: { junit: string[]; json: string[] };
  isolate: boolean;
  allowDestructive: boolean;
  quiet: boolean;
  timeoutMs: number;
  /** A reference implementation: compare answers instead of running the checks. */
  reference?: string;
}

/** Expands `--only` values (checks or phase names, comma-separated) into check names. */
function expandOnly(values: string[]): CheckName[] {
  const out = new Set<CheckName>();
  for (const value of values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)) {
    if ((PHASES as readonly string[]).includes(value)) {
      for (const c of CHECK_NAMES) if (CHECKS[c].phase === (value as Phase)) out.add(c);
    } else if ((CHECK_NAMES as string[]).includes(value)) {
      out.add(value as CheckName);
    } else {
      throw new UsageError(`unknown check or phase '${value}' (see --help)`);
    }
  }
  return [...out];
}

export function parseContractArgs(argv: string[]): ParsedContractArgs | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  // `--only a b` reads naturally too: positionals after --only are more checks.
  const only = [...(v.only ?? []), ...parsed.positionals];
  if (parsed.positionals.length && !v.only) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  if (v.api && v.spec) throw new UsageError('give --api or --spec, not both');
  if (!v.api && !v.spec) throw new UsageError('--api (maxscale or pip-sessions) or --spec FILE_OR_URL is required');
  if (v.api && !APIS.includes(v.api as ApiName)) throw new UsageError(`--api must be maxscale or pip-sessions, got '${v.api}'`);
  if (!v.target) throw new UsageError('--target is required (the base URL of the implementation)');
  try {
    const url = new URL(v.target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--target must be an http(s) URL, got '${v.target}'`);
  }
  if (v.reference !== undefined && !/^https?:\/\/./.test(v.reference)) {
    throw new UsageError(`--reference must be an http(s) URL, got '${v.reference}'`);
  }
  const reports = { junit: [] as string[], json: [] as string[] };
  for (const r of v.report ?? []) {
    const m = /^(junit|json)=(.+)$/.exec(r);
    if (!m?.[1] || !m[2]) throw new UsageError(`--report must be junit=FILE or json=FILE, got '${r}'`);
    reports[m[1] as 'junit' | 'json'].push(m[2]);
  }
  const timeoutMs = v.timeout === undefined ? 10_000 : Number(v.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of ms, got '${v.timeout}'`);
  return {
    api: v.api ?? basename(v.spec ?? '').replace(/\.(ya?ml|json)$/i, ''),
    ...(v.spec !== undefined ? { spec: /^https?:\/\//.test(v.spec) ? v.spec : resolve(v.spec) } : {}),
    target: v.target,
    ...(v.user !== undefined ? { user: v.user } : {}),
    ...(v.password !== undefined ? { password: v.password } : {}),
    only: expandOnly(only),
    reports,
    isolate: v.isolate ?? false,
    allowDestructive: v['allow-destructive'] ?? false,
    quiet: v.quiet ?? false,
    timeoutMs,
    ...(v.reference !== undefined ? { reference: v.reference } : {}),
  };
}

const OPTIONS = {
  api: { type: 'string' },
  spec: { type: 'string' },
  target: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  only: { type: 'string', multiple: true },
  report: { type: 'string', multiple: true },
  isolate: { type: 'boolean' },
  'allow-destructive': { type: 'boolean' },
  quiet: { type: 'boolean' },
  timeout: { type: 'string' },
  reference: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The `apitwin contract` command; resolves to the process exit code. */
export async function runContractCli(
  argv: string[],
  streams: Streams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let args: ParsedContractArgs | 'help';
  try {
    args = parseContractArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    streams.stderr.write(`apitwin contract: ${err.message}\n\n${CONTRACT_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    streams.stdout.write(CONTRACT_USAGE);
    return 0;
  }
  if (args.reference !== undefined) {
    return runDifferentialCli(
      { api: args.api as ApiName, target: args.target, reference: args.reference, timeoutMs: args.timeoutMs },
      streams,
    );
  }
  const onEvent = terminalReporter(streams.stdout, { quiet: args.quiet });
  if (args.allowDestructive) {
    streams.stderr.write(
      `apitwin contract: warning: --allow-destructive: the run will also change ${args.target}'s own objects for good (${await destructiveSummary(args)}).\n`,
    );
  }
  let outcome: SuiteOutcome;
  try {
    outcome = await runSuite({
      api: args.api,
      ...(args.spec !== undefined ? { spec: args.spec } : {}),
      target: args.target,
      ...(args.user !== undefined ? { user: args.user } : {}),
      ...(args.password !== undefined ? { password: args.password } : {}),
      only: args.only,
      isolate: args.isolate,
      allowDestructive: args.allowDestructive,
      timeoutMs: args.timeoutMs,
      onEvent,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const why = cause?.code === 'ECONNREFUSED' ? `nothing answers at ${args.target} any more` : (err as Error).message;
    streams.stderr.write(`\napitwin contract: the run stopped: ${why}\n`);
    return cause?.code === 'ECONNREFUSED' ? 3 : 1;
  }
  const meta = { api: args.api, target: args.target, outcome: outcome.outcome };
  for (const file of args.reports.junit) writeReport(resolve(file), toJUnit(outcome.results, outcome.summary, meta));
  for (const file of args.reports.json)
    writeReport(resolve(file), `${JSON.stringify(toJson(outcome.results, outcome.summary, meta), null, 2)}\n`);
  for (const problem of outcome.restoreProblems) streams.stderr.write(`apitwin contract: warning: ${problem}\n`);
  if (outcome.outcome.status === 'target-unusable') {
    streams.stderr.write(`apitwin contract: ${outcome.outcome.reason}\n`);
    return 3;
  }
  return outcome.summary.failed === 0 ? 0 : 1;
}

/** What --allow-destructive adds, in a few words: the spec's actions and Dredd's destructive examples. */
async function destructiveSummary(args: ParsedContractArgs): Promise<string> {
  const spec = await loadSpecModel(args.api, args.spec);
  const actions = spec.operations.filter((o) => planOf(spec, o).kind === 'action').map((o) => `${o.method} ${o.path}`);
  const dredd: Record<string, string> = {
    maxscale: 'a switchover on MariaDB-Monitor, deleting the admin user my-user',
    'pip-sessions': 'closing expired sessions',
  };
  const examples = dredd[args.api] ?? 'the documented examples of every write, on the objects they name';
  return [...actions, examples].join(', ');
}

/** Run directly (not imported): `node --import tsx contract-tests/cli.ts …`. */
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runContractCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`apitwin contract: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
