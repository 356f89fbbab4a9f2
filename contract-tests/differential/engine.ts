/**
 * The differential engine: sends one list of requests, in order, to a target
 * and to a reference implementation of the same API, and compares the two
 * answers of each request after normalising what legitimately varies between
 * two runs (ids the services made up, times, V8's wording of a JSON parse
 * error). A difference is allowed only where the case list or the answers
 * fall under an intended deviation, named with its reason; anything else is a
 * difference to report.
 *
 * Both implementations must start empty: the cases build their own state
 * (open sessions, close some) and later cases read it. A session a case opens
 * can be bound to a label (`bind: 's1'`); later request bodies say `$s1` and
 * each side receives its own id for it.
 */

export interface DiffCase {
  /** What the case sends, as a sentence (unique in the list). */
  name: string;
  /** Default POST. */
  method?: string;
  /** Path below the base URL, with its query string. */
  path: string;
  /** A JSON value, serialized (with `$label` strings replaced by the side's id). */
  body?: unknown;
  /** A body sent exactly as written (not JSON-serialized). */
  raw?: string;
  /** Content-Type of the body; default application/json when there is a body; null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Bind the id of the session in the answer to this label. */
  bind?: string;
  /** This case is expected to differ, for the reason of this deviation. */
  deviation?: string;
}

/** An answer as compared: what a client can rely on. */
export interface Answer {
  status: number;
  /** The media type without parameters, when there is a body. */
  contentType?: string;
  /** The Allow header of a 405. */
  allow?: string;
  /** The body parsed as JSON (normalised), or its text when it is not JSON; absent when empty. */
  body?: unknown;
}

export interface Deviation {
  /** A short id, used by cases and named in the spec's description. */
  id: string;
  /** Why the target answers differently from the reference, for a user. */
  reason: string;
  /**
   * For a deviation that shows in many answers (a field one side adds), the
   * normalisation that removes it from both sides before they are compared.
   * Without it, the deviation applies only to the cases that name it.
   */
  normalise?: (answer: Answer, side: Side) => Answer;
}

export type Side = 'target' | 'reference';

export interface CaseOutcome {
  case: DiffCase;
  target: Answer;
  reference: Answer;
  /** `same`, `deviation` (differs as a listed deviation allows), or `different`. */
  verdict: 'same' | 'deviation' | 'different';
  /** What differs, as `path: reference → target` lines. */
  differences: string[];
}

export interface DiffSummary {
  compared: number;
  same: number;
  deviations: number;
  different: number;
}

export interface DiffRun {
  outcomes: CaseOutcome[];
  summary: DiffSummary;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const HEX_ID = /^[0-9a-f]{32}$/;

/** Per side: the ids the service gave to the labelled sessions. */
class Ids {
  private readonly byLabel = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  bind(label: string, id: string): void {
    this.byLabel.set(label, id);
    this.byId.set(id, label);
  }

  idOf(label: string): string | undefined {
    return this.byLabel.get(label);
  }

  labelOf(id: string): string | undefined {
    return this.byId.get(id);
  }
}

/** `$s1` → the side's id of s1, anywhere in a JSON value. */
function substitute(value: unknown, ids: Ids): unknown {
  if (typeof value === 'string' && /^\$[a-z][a-z0-9_]*$/.test(value)) return ids.idOf(value.slice(1)) ?? `unbound-${value.slice(1)}`;
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]));
  }
  return value;
}

/** Ids, times and uptimes made run-independent; everything else as received. */
function normaliseValue(value: unknown, ids: Ids, key?: string): unknown {
  if (typeof value === 'string') {
    const label = ids.labelOf(value);
    if (label) return `<${label}>`;
    if (HEX_ID.test(value)) return '<id>';
    if (ISO_TIME.test(value)) return '<time>';
    return value;
  }
  if (typeof value === 'number' && key === 'uptime') return '<uptime>';
  if (Array.isArray(value)) return value.map((v) => normaliseValue(v, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseValue(v, ids, k)]));
  }
  return value;
}

/**
 * How V8 words a JSON syntax error changed between Node versions (Node 16:
 * "Unexpected token } in JSON at position 1", Node 20: "Expected property
 * name or '}' in JSON at position 1"); the sentence is the engine's, not the
 * service's, so only its prefix is compared.
 */
function normaliseJsonErrorWording(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (record.code === 'InvalidContent' && typeof record.message === 'string' && record.message.startsWith('Invalid JSON: ')) {
    return { ...record, message: 'Invalid JSON: <the JavaScript engine’s wording>' };
  }
  return body;
}

async function send(baseUrl: string, c: DiffCase, ids: Ids, timeoutMs: number): Promise<{ answer: Answer; raw: unknown }> {
  const headers: Record<string, string> = { ...c.headers };
  let body: string | undefined;
  if (c.raw !== undefined) body = c.raw;
  else if (c.body !== undefined) body = JSON.stringify(substitute(c.body, ids));
  if (body !== undefined && c.contentType !== null) headers['Content-Type'] = c.contentType ?? 'application/json';
  const res = await fetch(`${baseUrl}${c.path}`, {
    method: c.method ?? 'POST',
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const answer: Answer = { status: res.status };
  const contentType = res.headers.get('content-type');
  if (text.length > 0 && contentType) answer.contentType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const allow = res.headers.get('allow');
  if (res.status === 405 && allow) answer.allow = allow;
  let raw: unknown;
  if (text.length > 0) {
    try {
      raw = JSON.parse(text);
    } catch {
      raw = text;
    }
  }
  if (c.bind && res.status === 200 && raw !== null && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string') {
    ids.bind(c.bind, (raw as { id: string }).id);
  }
  if (raw !== undefined) answer.body = normaliseJsonErrorWording(normaliseValue(raw, ids));
  return { answer, raw };
}

/** The differences between two normalised values, as `path: reference → target`. */
export function differencesOf(reference: unknown, target: unknown, path = ''): string[] {
  if (Object.is(reference, target)) return [];
  const bothObjects =
    reference !== null &&
    target !== null &&
    typeof reference === 'object' &&
    typeof target === 'object' &&
    Array.isArray(reference) === Array.isArray(target);
  if (!bothObjects) return [`${path || '/'}: ${show(reference)} → ${show(target)}`];
  if (Array.isArray(reference) && Array.isArray(target)) {
    const out: string[] = [];
    const n = Math.max(reference.length, target.length);
    for (let i = 0; i < n; i++) {
      if (i >= reference.length) out.push(`${path}/${i}: (absent) → ${show(target[i])}`);
      else if (i >= target.length) out.push(`${path}/${i}: ${show(reference[i])} → (absent)`);
      else out.push(...differencesOf(reference[i], target[i], `${path}/${i}`));
    }
    return out;
  }
  const r = reference as Record<string, unknown>;
  const t = target as Record<string, unknown>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(r), ...Object.keys(t)])) {
    if (!(key in t)) out.push(`${path}/${key}: ${show(r[key])} → (absent)`);
    else if (!(key in r)) out.push(`${path}/${key}: (absent) → ${show(t[key])}`);
    else out.push(...differencesOf(r[key], t[key], `${path}/${key}`));
  }
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export interface DiffOptions {
  cases: readonly DiffCase[];
  deviations: readonly Deviation[];
  target: string;
  reference: string;
  timeoutMs?: number;
  onOutcome?: (outcome: CaseOutcome) => void;
}

/** Runs every case against both, in order (target first, then reference), and judges each. */
export async function runDifferential(opts: DiffOptions): Promise<DiffRun> {
  const target = opts.target.replace(/\/+$/, '');
  const reference = opts.reference.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const known = new Set(opts.deviations.map((d) => d.id));
  const normalisers = opts.deviations.filter((d) => d.normalise);
  const ids: Record<Side, Ids> = { target: new Ids(), reference: new Ids() };
  const outcomes: CaseOutcome[] = [];
  for (const c of opts.cases) {
    if (c.deviation !== undefined && !known.has(c.deviation))
      throw new Error(`case '${c.name}' names an unknown deviation '${c.deviation}'`);
    let t = (await send(target, c, ids.target, timeoutMs)).answer;
    let r = (await send(reference, c, ids.reference, timeoutMs)).answer;
    for (const d of normalisers) {
      t = d.normalise?.(t, 'target') ?? t;
      r = d.normalise?.(r, 'reference') ?? r;
    }
    const differences = differencesOf(r, t);
    const verdict = differences.length === 0 ? 'same' : c.deviation !== undefined ? 'deviation' : 'different';
    const outcome: CaseOutcome = { case: c, target: t, reference: r, verdict, differences };
    outcomes.push(outcome);
    opts.onOutcome?.(outcome);
  }
  const count = (v: CaseOutcome['verdict']) => outcomes.filter((o) => o.verdict === v).length;
  return {
    outcomes,
    summary: { compared: outcomes.length, same: count('same'), deviations: count('deviation'), different: count('different') },
  };
}

/** A difference as a report prints it: the case, the request, and what differs. */
export function describeOutcome(o: CaseOutcome): string {
  const c = o.case;
  const body = c.raw !== undefined ? c.raw : c.body !== undefined ? JSON.stringify(c.body) : '';
  const request = `${c.method ?? 'POST'} ${c.path}${c.contentType !== undefined ? ` [${c.contentType ?? 'no Content-Type'}]` : ''}${body ? ` ${body.length > 200 ? `${body.slice(0, 197)}...` : body}` : ''}`;
  return [`${c.name}`, `  Request: ${request}`, ...o.differences.map((d) => `  ${d}`)].join('\n');
}
