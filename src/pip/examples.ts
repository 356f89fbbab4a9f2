import type { SessionRecord } from './store.js';

/**
 * The session the spec's examples talk about (`9cd9b3a3…`, user "1"). Tests
 * put the store back to exactly this (the model's `reset`, or the admin API's
 * `PUT /__apitwin/state/pip-sessions`), so every documented example can be
 * replayed against the twin and answers like its example; the Dredd hooks
 * open sessions shaped like it.
 */
export const EXAMPLE_SESSIONS: readonly SessionRecord[] = [
  {
    id: '9cd9b3a3f1e14dd7b6e3e4c4b8e2a0f1',
    user_id: '1',
    user_name: 'Test User',
    active: true,
    open_time: '2024-05-01T10:00:00.000Z',
    request_time: '2024-05-01T10:05:00.000Z',
    address: '192.168.1.10',
    client: 'test-client',
    user: { id: '1', name: 'Test User', roles: ['user'] },
    data: { theme: 'dark' },
  },
];
