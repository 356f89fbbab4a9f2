/**
 * Server status bits and the state string MaxScale 2.3 builds from them
 * (server.cc's status-to-string): user-set Maintenance first, then the role
 * (Master, or Relay Master and Slave), the cluster bits, and finally Running
 * or Down, joined with ", ".
 */

/** The status bits the twin keeps, in the order MaxScale writes them (Running is handled apart). */
export const STATUS_ORDER = [
  'Maintenance',
  'Master',
  'Relay Master',
  'Slave',
  'Synced',
  'NDB',
  'Slave of External Server',
  'Stale Status',
  'Master Stickiness',
  'Auth Error',
] as const;

export type StatusBit = (typeof STATUS_ORDER)[number] | 'Running';

/** The values of `state` in `PUT /servers/:name/set|clear` (Resources-Server.md) and the bit each names. */
export const SETTABLE_STATES: Readonly<Record<string, StatusBit>> = {
  master: 'Master',
  slave: 'Slave',
  maintenance: 'Maintenance',
  running: 'Running',
  synced: 'Synced',
  ndb: 'NDB',
  stale: 'Stale Status',
};

/** `Maintenance, Master, Running`; a server without the Running bit is `Down`. */
export function stateString(bits: readonly string[]): string {
  const parts: string[] = STATUS_ORDER.filter((b) => bits.includes(b));
  parts.push(bits.includes('Running') ? 'Running' : 'Down');
  return parts.join(', ');
}

/** Parses a state string back into bits (the inverse of stateString, for data files that give one). */
export function parseStateString(state: string): string[] {
  return state
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'Down');
}

export const has = (bits: readonly string[], bit: StatusBit): boolean => bits.includes(bit);

export function withBit(bits: readonly string[], bit: StatusBit): string[] {
  return bits.includes(bit) ? [...bits] : [...bits, bit];
}

export function withoutBit(bits: readonly string[], ...remove: StatusBit[]): string[] {
  return bits.filter((b) => !(remove as string[]).includes(b));
}
