/**
 * Fault and latency rules (WireMock's faults and delays, Toxiproxy's
 * latency): which requests a rule matches, how often, and what it does. The
 * rules are kept in memory, in the order they were added; the first that
 * matches a request applies.
 */

import type { components } from '../../generated/apitwin-admin.js';
import { ApiError, Errors } from '../errors.js';
import type { ApiName } from './journal.js';

export type FaultInput = components['schemas']['FaultInput'];
export type FaultRule = components['schemas']['FaultRule'];

/** What a rule is matched against. */
export interface FaultTarget {
  api: ApiName;
  operationId: string | undefined;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** `*` any characters but `/`, `**` any characters; everything else literal. */
export function pathPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') {
      source += '[^/]*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

interface StoredRule {
  rule: FaultRule;
  path: RegExp | undefined;
}

function invalid(detail: string): ApiError {
  return ApiError.from(Errors.VALIDATION_FAILED, detail, { details: { errors: [detail] } });
}

export class FaultRules {
  private rules: StoredRule[] = [];
  private seq = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds a rule (checked first: a refused rule changes nothing). */
  add(input: FaultInput): FaultRule {
    if (input.status === undefined && input.delayMs === undefined && input.fault === undefined) {
      throw invalid('A rule must do something: give status, delayMs or fault');
    }
    if (input.status !== undefined && input.fault !== undefined) {
      throw invalid('A rule answers a status or drops/stalls the connection, not both: give status or fault');
    }
    if (input.delayMaxMs !== undefined && (input.delayMs === undefined || input.delayMaxMs < input.delayMs)) {
      throw invalid('delayMaxMs needs delayMs, and must be at least delayMs');
    }
    this.seq += 1;
    const rule: FaultRule = {
      id: `f${this.seq}`,
      ...input,
      ...(input.method !== undefined ? { method: input.method.toUpperCase() } : {}),
      ...(input.headers !== undefined
        ? { headers: Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])) }
        : {}),
      ...(input.times !== undefined ? { remaining: input.times } : {}),
      probability: input.probability ?? 1,
      matched: 0,
    };
    this.rules.push({ rule, path: input.path === undefined ? undefined : pathPattern(input.path) });
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  get(id: string): FaultRule {
    const found = this.rules.find((r) => r.rule.id === id);
    if (!found) throw ApiError.from(Errors.NOT_FOUND, `No fault rule '${id}'`);
    return { ...found.rule };
  }

  delete(id: string): void {
    this.get(id);
    this.rules = this.rules.filter((r) => r.rule.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** The first rule that matches and, by its probability, hits; its counters move, and a used-up rule goes. */
  take(target: FaultTarget): FaultRule | undefined {
    for (const stored of this.rules) {
      if (!matches(stored, target)) continue;
      const { rule } = stored;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      rule.matched += 1;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== stored);
      }
      return { ...rule };
    }
    return undefined;
  }

  /** The delay a rule asks for: fixed, or uniformly drawn between delayMs and delayMaxMs. */
  delayOf(rule: FaultRule): number {
    if (rule.delayMs === undefined) return 0;
    if (rule.delayMaxMs === undefined) return rule.delayMs;
    return rule.delayMs + Math.floor(this.random() * (rule.delayMaxMs - rule.delayMs + 1));
  }
}

function matches({ rule, path }: StoredRule, t: FaultTarget): boolean {
  if (rule.api !== undefined && rule.api !== t.api) return false;
  if (rule.operationId !== undefined && rule.operationId !== t.operationId) return false;
  if (rule.method !== undefined && rule.method !== t.method.toUpperCase()) return false;
  if (path !== undefined && !path.test(t.path)) return false;
  for (const [name, want] of Object.entries(rule.headers ?? {})) {
    const got = t.headers[name];
    if ((Array.isArray(got) ? got.join(', ') : got) !== want) return false;
  }
  return true;
}
