/**
 * The state store behind the MaxScale twin: named collections of JSON
 * documents, kept in insertion order, with all-or-nothing transactions.
 * Implementations: in memory (default) and SQLite (durable).
 */
export interface KvStore {
  get<T>(collection: string, id: string): T | undefined;
  /** Every document of a collection, in the order they were first put. */
  list<T>(collection: string): T[];
  put<T>(collection: string, id: string, value: T): void;
  /** True if something was deleted. */
  delete(collection: string, id: string): boolean;
  /** Runs `fn` atomically: if it throws, no write it made is kept. */
  transaction<R>(fn: () => R): R;
  /** Removes every document of every collection. */
  clear(): void;
  close(): void;
}

/** A typed view of one collection. */
export class Collection<T> {
  constructor(
    private readonly store: KvStore,
    readonly name: string,
  ) {}
  get(id: string): T | undefined {
    return this.store.get<T>(this.name, id);
  }
  list(): T[] {
    return this.store.list<T>(this.name);
  }
  put(id: string, value: T): void {
    this.store.put(this.name, id, value);
  }
  delete(id: string): boolean {
    return this.store.delete(this.name, id);
  }
}
