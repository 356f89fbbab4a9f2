/**
 * The client example the README shows (there it imports from 'apitwin/client').
 * src/client/client.test.ts runs it against a started twin and tsc compiles it,
 * so the README's code keeps working. Run it against `apitwin serve`:
 *
 *   node --import tsx src/client/example.ts
 */
import { fileURLToPath } from 'node:url';
import { createMaxscaleClient, createPipSessionsClient } from './index.js';

export async function example(urls = { maxscale: 'http://localhost:8989', pip: 'http://localhost:8080' }) {
  // MaxScale: HTTP Basic, paths, parameters and bodies typed from openapi/maxscale.yaml.
  const maxscale = createMaxscaleClient({ baseUrl: `${urls.maxscale}/v1`, user: 'admin', password: 'mariadb' });

  const services = await maxscale.GET('/services');
  if (services.error) throw new Error(services.error.errors[0]?.detail);
  const names = services.data.data.map((service) => service.id);

  const one = await maxscale.GET('/services/{name}', { params: { path: { name: 'RW-Split-Router' } } });
  if (one.error) throw new Error(one.error.errors[0]?.detail);
  const router = one.data.data.attributes.router;

  // pip-sessions: every command is a POST of a JSON object.
  const pip = createPipSessionsClient({ baseUrl: urls.pip });

  const opened = await pip.POST('/v1/sessions/open_session', {
    body: { user_id: '1', user_name: 'Test User', address: '192.168.1.10', client: 'readme', data: { theme: 'dark' } },
  });
  if (opened.error) throw new Error(opened.error.message);
  const session = opened.data;

  const page = await pip.POST('/v1/sessions/get_sessions', { body: { filter: { user_id: '1' }, paging: { total: true } } });
  if (page.error) throw new Error(page.error.message);

  return { services: names, router, session: session.id, active: session.active, sessionsOfUser1: page.data.total };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await example(), null, 2)}\n`);
}
