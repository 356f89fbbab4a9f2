/**
 * What `apitwin serve` says when it starts: a short banner for a person at a
 * terminal, and warnings (also logged as JSON lines) when the twins are
 * reachable from other machines while anyone could get in.
 */
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import type { MaxscaleModel } from '../maxscale/model.js';
import { ADMIN_PREFIX } from './prefix.js';

/** Credentials anyone can read: apitwin's default admin and the documented example user (data/maxscale.json). */
export const WELL_KNOWN_CREDENTIALS: readonly (readonly [string, string])[] = [
  ['admin', 'mariadb'],
  ['my-user', 'my-password'],
];

/** True for addresses only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice('::ffff:'.length).startsWith('127.');
  return false;
}

/** Why listening on `config.host` is risky right now; empty on loopback or when nobody can get in unasked. */
export function exposureWarnings(config: Config, model: MaxscaleModel): string[] {
  if (isLoopback(config.host)) return [];
  const where = `listening on ${config.host}, which other machines can reach`;
  const warnings: string[] = [];
  if (model.adminAuthDisabled()) {
    warnings.push(`${where}, with MaxScale authentication off (admin_auth=false): anyone there can change the twin`);
  } else {
    // The documented pairs, and the configured admin user if it kept the default password.
    const pairs = [...WELL_KNOWN_CREDENTIALS, [config.adminUser, 'mariadb'] as const];
    const known = pairs.filter(
      ([user, password], i) => pairs.findIndex(([u]) => u === user) === i && model.findUser('inet', user)?.password === password,
    );
    if (known.length) {
      const list = known.map(([user, password]) => `${user}:${password}`).join(', ');
      warnings.push(
        `${where}, while the documented credentials ${list} log in: set --admin-password, and delete or change the example users (DELETE /v1/users/inet/my-user)`,
      );
    }
  }
  if (config.adminApi)
    warnings.push(`${where}, with the admin API on: anyone there can read the journal, inject faults and replace the state`);
  return warnings;
}

export interface BannerFacts {
  urls: { maxscale: string; pip: string };
  config: Config;
  authOn: boolean;
  warnings: readonly string[];
}

function corsText(origins: readonly string[]): string {
  if (origins.length === 0) return 'off';
  return origins.includes('*') ? 'any origin' : origins.join(', ');
}

/** The banner a person sees on a terminal (piped, stdout stays JSON lines). */
export function startupBanner({ urls, config, authOn, warnings }: BannerFacts): string {
  const { maxscale, pip } = urls;
  const source = config.maxscaleConfig ?? config.dataFile ?? 'data/maxscale.json (the documented examples)';
  const lines = [
    '',
    '  apitwin is serving',
    `    MaxScale REST API   ${maxscale}/v1/   (${authOn ? `HTTP Basic, user ${config.adminUser}` : 'authentication off: admin_auth=false'})`,
    `    pip-sessions API    ${pip}/`,
    `    Swagger UI          ${maxscale}/docs   (and ${pip}/docs)`,
    `    Admin API           ${config.adminApi ? `${maxscale}${ADMIN_PREFIX}/   (and ${pip}${ADMIN_PREFIX}/)` : 'off (turn it on with --admin-api)'}`,
    `    Store               ${config.store}`,
    `    MaxScale state      ${source}`,
    `    CORS                ${corsText(config.corsOrigins)}`,
    '',
    ...warnings.map((w) => `  Warning: ${w}.`),
    ...(warnings.length ? [''] : []),
    '  Press Ctrl+C to stop.',
    '',
    '',
  ];
  return lines.join('\n');
}
