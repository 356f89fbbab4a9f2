/**
 * One table-driven suite, run against every implementation of a store
 * interface: each case gets a freshly opened store, closed afterwards.
 */
import { describe, test } from 'node:test';

export function storeSuite<S extends { close(): void }>(
  name: string,
  implementations: ReadonlyArray<[string, () => S]>,
  cases: ReadonlyArray<[string, (store: S) => void]>,
): void {
  for (const [impl, open] of implementations) {
    describe(`${name} (${impl})`, () => {
      for (const [title, run] of cases) {
        test(title, () => {
          const store = open();
          try {
            run(store);
          } finally {
            store.close();
          }
        });
      }
    });
  }
}
