import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStateString, stateString } from './status.js';

describe('server state strings', () => {
  // MaxScale writes Maintenance first, then the role, cluster bits, and Running or Down last.
  const cases: [string, { bits: string[]; want: string }][] = [
    ['a master', { bits: ['Running', 'Master'], want: 'Master, Running' }],
    ['a slave', { bits: ['Slave', 'Running'], want: 'Slave, Running' }],
    ['a standalone server', { bits: ['Running'], want: 'Running' }],
    ['a server without the Running bit', { bits: [], want: 'Down' }],
    ['a master in maintenance', { bits: ['Master', 'Running', 'Maintenance'], want: 'Maintenance, Master, Running' }],
    ['a relay master', { bits: ['Slave', 'Relay Master', 'Running'], want: 'Relay Master, Slave, Running' }],
    ['a Galera node', { bits: ['Running', 'Synced', 'Master'], want: 'Master, Synced, Running' }],
    ['a stale master that is down', { bits: ['Stale Status', 'Master'], want: 'Master, Stale Status, Down' }],
  ];
  for (const [name, { bits, want }] of cases) {
    test(`${name} reads '${want}'`, () => {
      assert.equal(stateString(bits), want);
      assert.equal(stateString(parseStateString(want)), want);
    });
  }
});
