/** One spec's outcome in a corpus run, shared by the runner and its workers (without their imports). */
export interface SpecResult {
  id: string;
  operations: number;
  resources: number;
  loaded: boolean;
  served: boolean;
  /** Every check of the contract suite passed (skips allowed), or the light pass found nothing. */
  passed: boolean;
  coldStartMs: number | undefined;
  /** The worker's RSS once the twin answers, in MiB (the worker's whole process). */
  rssMiB: number | undefined;
  checks: { passed: number; failed: number; skipped: number } | undefined;
  durationMs: number;
  /** Why it did not load, serve or pass: one line each (the first failures). */
  reasons: string[];
}

/** A spec that has not loaded, served or passed yet. */
export function emptyResult(id: string): SpecResult {
  return {
    id,
    operations: 0,
    resources: 0,
    loaded: false,
    served: false,
    passed: false,
    coldStartMs: undefined,
    rssMiB: undefined,
    checks: undefined,
    durationMs: 0,
    reasons: [],
  };
}
