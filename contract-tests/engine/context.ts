/**
 * The state of one suite run shared by the phases: the HTTP client, the spec
 * model, the conformance checker, the checks selected, fresh names, the
 * objects the run created, and the results. Every response a phase gets goes
 * through `send`, which applies the conformance checks to it; at the end of a
 * phase `endPhase` turns those verdicts into one case per check and operation.
 */
import { randomBytes } from 'node:crypto';
import type { ConformanceChecker, Violation } from '../../src/spec/conformance.js';
import { type HttpClient, type SendOptions, toCurl } from './http.js';
import { describeOperation, isObject, type OperationInfo, type RpcGroup, type SpecModel } from './spec.js';
import {
  type CaseResult,
  type CheckName,
  CONFORMANCE_CHECKS,
  type Failure,
  type HttpExchange,
  type Phase,
  type SuiteEvent,
  type SuiteOptions,
} from './types.js';

type ConformanceCheck = (typeof CONFORMANCE_CHECKS)[number];

/** At most this many failures are kept per case; the rest are counted. */
const MAX_FAILURES_PER_CASE = 5;

interface OperationRecord {
  durationMs: number;
  /** The checks applied to at least one exchange of the operation in this phase. */
  applied: Set<ConformanceCheck>;
  failures: Map<ConformanceCheck, Failure[]>;
  /** Failures beyond MAX_FAILURES_PER_CASE, counted. */
  dropped: Map<ConformanceCheck, number>;
}

export interface Credentials {
  user: string;
  password: string;
}

export interface SendRequest extends SendOptions {
  /**
   * Conformance checks this phase leaves to its own check: the negative phase
   * judges the status with negative_data_rejection, so it excludes status_code_conformance.
   */
  exclude?: readonly ConformanceCheck[];
}

export class RunContext {
  readonly results: CaseResult[] = [];
  /** Objects created in this run, by resource group name, as the path parameters that address them. */
  readonly created = new Map<string, Record<string, string>[]>();
  /** For RPC-style APIs: the id of the latest object this run created, by the body field that names it (`session_id`). */
  readonly createdIds = new Map<string, string>();
  /** For RPC-style APIs: every object this run created, deleted at the end. */
  readonly createdRpc: { group: RpcGroup; id: string }[] = [];
  /** Shared settings or objects the run could not put back or delete (printed after the summary). */
  readonly restoreProblems: string[] = [];
  private readonly runId = randomBytes(3).toString('hex');
  private counter = 0;
  private port = 20_000 + Math.floor(Math.random() * 30_000);
  private phase: Phase = 'examples';
  private records = new Map<string, OperationRecord>();
  private phaseStarted = 0;

  constructor(
    readonly options: SuiteOptions,
    readonly spec: SpecModel,
    readonly checker: ConformanceChecker,
    readonly http: HttpClient,
    readonly credentials: Credentials | undefined,
    private readonly selectedChecks: ReadonlySet<CheckName>,
    private readonly emit: (event: SuiteEvent) => void,
  ) {}

  selected(check: CheckName): boolean {
    return this.selectedChecks.has(check);
  }

  /** A name no object on the target has: the example's name plus this run's id and a counter. */
  fresh(base: string): string {
    this.counter += 1;
    const stem = base.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'ct';
    return `${stem}-ct${this.runId}-${this.counter}`;
  }

  /** A port number no listener of this run has used yet. */
  freshPort(): number {
    this.port += 1;
    if (this.port > 60_000) this.port = 20_001;
    return this.port;
  }

  progress(label: string): void {
    this.emit({ type: 'progress', phase: this.phase, label });
  }

  beginPhase(phase: Phase): void {
    this.phase = phase;
    this.records = new Map();
    this.phaseStarted = performance.now();
    this.emit({ type: 'phase-start', phase });
  }

  /**
   * Emits the conformance cases of the phase: one per check and operation that was exercised
   * (`report` drops the checks not selected), and a skipped case for an operation the phase could
   * not call, with the reason.
   */
  endPhase(exercised: readonly OperationInfo[] = [], skipReasons: Map<string, string> = new Map()): void {
    const ops = [...exercised];
    for (const id of this.records.keys()) {
      const op = this.spec.byId.get(id);
      if (op && !ops.includes(op)) ops.push(op);
    }
    for (const op of ops) {
      const record = this.records.get(op.id);
      for (const check of CONFORMANCE_CHECKS) {
        if (!record) {
          const reason = skipReasons.get(op.id);
          if (reason) this.report({ check, name: describeOperation(op), status: 'skip', failures: [], reason, durationMs: 0 });
          continue;
        }
        if (!record.applied.has(check)) continue;
        const failures = record.failures.get(check) ?? [];
        const dropped = record.dropped.get(check) ?? 0;
        const last = failures[failures.length - 1];
        if (dropped > 0 && last) last.message += `\n(and ${dropped} more failing responses of this operation)`;
        this.report({
          check,
          name: describeOperation(op),
          status: failures.length ? 'fail' : 'pass',
          failures,
          durationMs: record.durationMs,
        });
      }
    }
    this.emit({ type: 'phase-end', phase: this.phase, durationMs: performance.now() - this.phaseStarted });
  }

  report(result: Omit<CaseResult, 'phase'>): void {
    if (!this.selected(result.check)) return;
    const full: CaseResult = { phase: this.phase, ...result };
    this.results.push(full);
    this.emit({ type: 'case', result: full });
  }

  /** Sends a request and applies the selected conformance checks to its response. */
  async send(req: SendRequest): Promise<HttpExchange> {
    const exchange = await this.http.send(req);
    const op = req.operationId ? this.spec.byId.get(req.operationId) : undefined;
    if (op) this.conform(op, exchange, req.exclude ?? []);
    return exchange;
  }

  private conform(op: OperationInfo, exchange: HttpExchange, exclude: readonly ConformanceCheck[]): void {
    let record = this.records.get(op.id);
    if (!record) {
      record = { durationMs: 0, applied: new Set(), failures: new Map(), dropped: new Map() };
      this.records.set(op.id, record);
    }
    record.durationMs += exchange.durationMs;
    const url = new URL(exchange.request.url);
    const violations: Violation[] = this.checker.check({
      method: exchange.request.method,
      path: `${url.pathname}${url.search}`,
      status: exchange.response.status,
      headers: exchange.response.headers,
      body: exchange.response.body,
      text: exchange.response.text,
      operationId: op.id,
    });
    for (const check of CONFORMANCE_CHECKS) {
      if (exclude.includes(check)) continue;
      record.applied.add(check);
      const list = record.failures.get(check) ?? [];
      for (const v of violations.filter((x) => x.check === check)) {
        if (list.length >= MAX_FAILURES_PER_CASE) record.dropped.set(check, (record.dropped.get(check) ?? 0) + 1);
        else list.push(violationToFailure(v, exchange));
      }
      if (list.length) record.failures.set(check, list);
    }
  }

  /** A failure of a phase's own check, about one exchange. */
  failure(title: string, received: string, documented: string, exchange?: HttpExchange): Failure {
    return {
      title,
      message: `Received: ${received}\nDocumented: ${documented}`,
      expected: documented,
      ...(exchange ? { exchange, curl: toCurl(exchange.request) } : {}),
    };
  }

  /** Puts the ids of objects this run created into a request body's id fields (a copy; RPC-style APIs). */
  substituteIds<T>(body: T): T {
    if (this.createdIds.size === 0 || !isObject(body)) return body;
    const copy: Record<string, unknown> = { ...body };
    for (const [field, id] of this.createdIds) {
      if (typeof copy[field] === 'string') copy[field] = id;
    }
    return copy as T;
  }
}

function violationToFailure(v: Violation, exchange: HttpExchange): Failure {
  // The checker prefixes `operationId status: `; the case already names the operation.
  const message = v.message.replace(/^[\s\S]*?(?=Received:)/, '');
  const documented = /Documented: ([^\n]*)/.exec(message)?.[1] ?? '';
  return { title: v.title, message, expected: documented, exchange, curl: toCurl(exchange.request) };
}

/** One line about a response, for `Received:`. */
export function describeResponse(exchange: HttpExchange): string {
  const { status, text } = exchange.response;
  const snippet = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return snippet ? `${status} ${snippet.replace(/\s+/g, ' ')}` : `${status} (no body)`;
}
