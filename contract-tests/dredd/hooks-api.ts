/**
 * The part of Dredd's hooks API (its `Hooks` object and transactions) our hooks use. Dredd hands
 * hook files this object as the module `hooks`, which it can only inject into a CommonJS `require`;
 * our hooks are ES modules, so `run.ts` registers them on Dredd's Hooks object itself.
 */
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

export type Done = (err?: unknown) => void;

export interface DreddHooks {
  beforeAll(fn: (transactions: DreddTransaction[], done: Done) => void): void;
  beforeEach(fn: (transaction: DreddTransaction, done: Done) => void): void;
  before(name: string, fn: (transaction: DreddTransaction, done: Done) => void): void;
  afterEach(fn: (transaction: DreddTransaction, done: Done) => void): void;
  afterAll(fn: (transactions: DreddTransaction[], done: Done) => void): void;
  log(message: string): void;
}

/** What each API's hook module exports: prepares one transaction before Dredd sends it. */
export interface HookModule {
  beforeEach(t: DreddTransaction): Promise<void> | void;
  /** Undoes what the transaction changed on the target (restores shared settings), after Dredd sent it. */
  afterEach?(t: DreddTransaction): Promise<void> | void;
}
