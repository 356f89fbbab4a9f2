/**
 * The vocabulary of the contract suite: the named checks (each named for the
 * property it asserts, as Schemathesis does), the phases that run them, and
 * the results and events the reporters consume.
 */
import type { ApiName } from '../../src/spec/load.js';

export type { ApiName };

export const PHASES = ['examples', 'conformance', 'negative', 'stateful', 'auth'] as const;
export type Phase = (typeof PHASES)[number];

/** Every check, with the phase that runs it and the property it asserts (shown by `--help`). */
export const CHECKS = {
  example_replay: { phase: 'examples', asserts: 'Dredd replays every documented example and gets the documented response' },
  status_code_conformance: { phase: 'conformance', asserts: 'the response status is documented for the operation' },
  content_type_conformance: {
    phase: 'conformance',
    asserts: 'the Content-Type is a documented one (and no body where none is documented)',
  },
  response_schema_conformance: { phase: 'conformance', asserts: 'the body validates against the schema documented for that status' },
  response_headers_conformance: { phase: 'conformance', asserts: 'the headers documented for that status are sent' },
  negative_data_rejection: {
    phase: 'negative',
    asserts:
      'requests that break the spec (missing or mistyped fields, unknown fields, malformed JSON, wrong Content-Type) get a documented 4xx',
  },
  use_after_free: { phase: 'stateful', asserts: 'create, read, update, read, delete, then a read finds nothing' },
  ensure_resource_availability: { phase: 'stateful', asserts: 'a created object can be read and appears in its collection' },
  relationship_symmetry: { phase: 'stateful', asserts: 'a relationship set on one object shows on both sides, and goes away on both' },
  session_lifecycle: {
    phase: 'stateful',
    asserts: 'open, store data, read, close: a closed session reads as inactive with its data cleared',
  },
  ignored_auth: { phase: 'auth', asserts: 'a request without or with wrong credentials is refused with 401' },
  basic_account_read_only: { phase: 'auth', asserts: 'a basic (read-only) account can read but every write gets 401' },
} as const satisfies Record<string, { phase: Phase; asserts: string }>;

export type CheckName = keyof typeof CHECKS;
export const CHECK_NAMES = Object.keys(CHECKS) as CheckName[];

export const CONFORMANCE_CHECKS = [
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
] as const satisfies readonly CheckName[];

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body exactly as sent. */
  body?: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body (whatever the Content-Type said), or undefined. */
  body: unknown;
  text: string;
}

/** One request the suite made and what came back. */
export interface HttpExchange {
  operationId: string | undefined;
  request: RecordedRequest;
  response: RecordedResponse;
  durationMs: number;
}

export interface Failure {
  title: string;
  /** `Received: …\nDocumented: …` */
  message: string;
  /** What the contract expected, in one line (for the JSON report). */
  expected: string;
  exchange?: HttpExchange;
  /** A curl command that repeats the request. */
  curl?: string;
}

export type CaseStatus = 'pass' | 'fail' | 'skip';

/** One verdict of one check on one subject (an operation, a scenario, a Dredd transaction). */
export interface CaseResult {
  phase: Phase;
  check: CheckName;
  /** The subject, e.g. `POST /services (createService)`. */
  name: string;
  status: CaseStatus;
  failures: Failure[];
  /** Why a case was skipped. */
  reason?: string;
  durationMs: number;
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

/** How a run ended: every phase ran (`completed`), or the target was not the API (`target-unusable`, with the reason). */
export type Outcome = { status: 'completed' } | { status: 'target-unusable'; reason: string };

export interface SuiteOutcome {
  results: CaseResult[];
  summary: Summary;
  outcome: Outcome;
  /** Settings or objects the run could not put back or delete. */
  restoreProblems: string[];
}

export type SuiteEvent =
  | { type: 'start'; api: string; target: string; phases: Phase[]; checks: CheckName[] }
  /** The target is not the API (or nothing answers): no phase ran. */
  | { type: 'aborted'; reason: string }
  | { type: 'phase-start'; phase: Phase }
  | { type: 'progress'; phase: Phase; label: string }
  | { type: 'case'; result: CaseResult }
  | { type: 'phase-end'; phase: Phase; durationMs: number }
  | { type: 'done'; summary: Summary; results: CaseResult[] };

export interface SuiteOptions {
  /** One of our specs (`maxscale`, `pip-sessions`), or a name for the spec given as `spec`. */
  api: ApiName | string;
  /** Any OpenAPI 3 spec, a file or a URL (`--spec`); without it, `api` names one of ours. */
  spec?: string;
  /** Base URL of the implementation; when it has no path, the path of the spec's first server is used (MaxScale: /v1). */
  target: string;
  user?: string;
  password?: string;
  /** Run only these checks (default: all). */
  only?: CheckName[];
  /** Reset our own twin through its admin API between Dredd transactions (only for `apitwin serve --admin-api`). */
  isolate?: boolean;
  /**
   * Also send what changes the target's own objects in a way the suite cannot undo (a switchover,
   * deleting the other admins, closing expired sessions). Off by default: only objects the run
   * created are written, and shared settings it changes are put back.
   */
  allowDestructive?: boolean;
  /** Per-request timeout. */
  timeoutMs?: number;
  onEvent?: (event: SuiteEvent) => void;
}
