// Types for the `hooks` module Dredd injects into hook files.
declare module 'hooks' {
  export interface DreddTransaction {
    name: string;
    id: string;
    fullPath: string;
    skip: boolean;
    fail?: string | boolean;
    origin: { resourceName: string; actionName: string; exampleName?: string };
    request: { method: string; uri: string; headers: Record<string, string>; body: string };
    expected: { statusCode: string; headers?: Record<string, string>; body?: string; bodySchema?: unknown };
    real?: { statusCode: number; headers: Record<string, string>; body: string };
  }
  type Done = (err?: unknown) => void;
  interface Hooks {
    beforeAll(fn: (transactions: DreddTransaction[], done: Done) => void): void;
    beforeEach(fn: (transaction: DreddTransaction, done: Done) => void): void;
    before(name: string, fn: (transaction: DreddTransaction, done: Done) => void): void;
    afterEach(fn: (transaction: DreddTransaction, done: Done) => void): void;
    afterAll(fn: (transactions: DreddTransaction[], done: Done) => void): void;
    log(message: string): void;
  }
  const hooks: Hooks;
  export default hooks;
}
