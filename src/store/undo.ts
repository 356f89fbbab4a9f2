/**
 * All-or-nothing transactions for the in-memory stores: while a transaction
 * runs, each mutation records how to undo itself; if the transaction throws,
 * the steps run in reverse and the store is as it was.
 */
export class UndoLog {
  private steps: Array<() => void> | undefined;

  /** True inside a transaction (record only then: outside one there is nothing to undo). */
  get active(): boolean {
    return this.steps !== undefined;
  }

  record(step: () => void): void {
    this.steps?.push(step);
  }

  /** Restores a Map's entries and their order (re-inserting a deleted key would move it to the end). */
  recordMapSnapshot<K, V>(map: Map<K, V>): void {
    if (!this.steps) return;
    const entries = [...map.entries()];
    this.steps.push(() => {
      map.clear();
      for (const [k, v] of entries) map.set(k, v);
    });
  }

  run<R>(fn: () => R): R {
    if (this.steps) return fn(); // nested: the outer transaction owns the log
    this.steps = [];
    try {
      const result = fn();
      this.steps = undefined;
      return result;
    } catch (err) {
      const steps = this.steps ?? [];
      this.steps = undefined;
      for (const step of steps.reverse()) step();
      throw err;
    }
  }
}
