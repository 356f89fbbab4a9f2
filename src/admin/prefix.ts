/**
 * Where the admin API is mounted on each port: a prefix neither twin's API uses. A module of its own,
 * so that what only names the prefix (the start-up banner) does not load the admin API with it.
 */
export const ADMIN_PREFIX = '/__apitwin';
