/**
 * A created object can be read back by the id the twin answered, and is found in its list: the
 * stateful scenarios of the contract suite (use_after_free, ensure_resource_availability) on the
 * smallest spec that shows each case the corpus run found. Each spec is served as a twin and the
 * whole suite (Dredd's replay aside) must find nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { specFiles } from '../testing/spec-files.js';
import { suiteFailures } from '../testing/suite-failures.js';
import { createGenericApp } from './app.js';

const specFile = specFiles('generic-resources');

const json = (schema: unknown, example?: unknown) => ({
  'application/json': { schema, ...(example === undefined ? {} : { example }) },
});
const ok = (schema: unknown, example?: unknown) => ({ description: 'ok', content: json(schema, example) });
const missing = { description: 'no such object', content: json({ type: 'object', properties: { message: { type: 'string' } } }) };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const str = { type: 'string' };

interface Resource {
  /** `/things` */
  path: string;
  /** `thingId` */
  param: string;
  body?: unknown;
  bodyExample?: unknown;
  created: Record<string, unknown>;
  read: Record<string, unknown>;
  list?: Record<string, unknown>;
  listParams?: unknown[];
  components?: Record<string, unknown>;
}

/** A collection with a create, a read, a list (where given) and a delete. */
function resourceSpec(r: Resource): unknown {
  const item = `${r.path}/{${r.param}}`;
  const param = { name: r.param, in: 'path', required: true, schema: str };
  return {
    openapi: '3.0.3',
    info: { title: 'Resources', version: '1' },
    paths: {
      [r.path]: {
        post: {
          operationId: 'createThing',
          ...(r.body ? { requestBody: { required: true, content: json(r.body, r.bodyExample) } } : {}),
          responses: { ...r.created, '400': missing },
        },
        ...(r.list
          ? { get: { operationId: 'listThings', ...(r.listParams ? { parameters: r.listParams } : {}), responses: { '200': r.list } } }
          : {}),
      },
      [item]: {
        get: { operationId: 'getThing', parameters: [param], responses: { '200': r.read, '404': missing } },
        delete: { operationId: 'deleteThing', parameters: [param], responses: { '204': { description: 'gone' }, '404': missing } },
      },
    },
    ...(r.components ? { components: r.components } : {}),
  };
}

const bucket = obj({ key: str, name: str, team: obj({ id: str, name: str }) });
const site = obj({ id: str, name: str, published_deploy: obj({ id: str, name: str, site_id: str }) });
const project = obj({ project: obj({ name: str, arn: str }, { required: ['name'] }) }, { required: ['project'] });
const message = obj({ sid: str, body: str });
const policy = obj({ policyId: str, policybundle: obj({ id: str, version: str }) });

const cases: [string, Resource, (app: Parameters<typeof request>[0]) => Promise<void>][] = [
  [
    "a documented Location header is the created object's own, not its schema's sample (authentiq)",
    {
      path: '/clients',
      param: 'client_id',
      body: obj({ client_name: str }),
      created: { '201': { description: 'created', headers: { Location: { schema: str } } } },
      read: ok(obj({ client_name: str })),
    },
    async (app) => {
      const created = await request(app).post('/clients').send({ client_name: 'a' }).expect(201);
      assert.match(String(created.headers.location), /^\/clients\/\d+$/);
    },
  ],
  [
    "an item parameter's last word names its id member: `{bucketKey}` reads by `key`, though `name` is there too, and the `team` it holds has an `id` of its own (Runscope)",
    { path: '/buckets', param: 'bucketKey', body: obj({ name: str }), created: { '200': ok(bucket) }, read: ok(bucket) },
    async (app) => {
      const created = await request(app).post('/buckets').send({ name: 'a' }).expect(200);
      assert.equal(created.body.name, 'a');
      await request(app).get(`/buckets/${created.body.key}`).expect(200);
    },
  ],
  [
    "a member of an object the answer holds does not name the object's id when the answer has an id of its own (Netlify's site and its published_deploy's site_id)",
    { path: '/sites', param: 'site_id', body: obj({ name: str }), created: { '201': ok(site) }, read: ok(site) },
    async (app) => {
      const created = await request(app).post('/sites').send({ name: 'a' }).expect(201);
      assert.equal(created.body.name, 'a');
      await request(app).get(`/sites/${created.body.id}`).expect(200);
    },
  ],
  [
    "an envelope named as the item parameter is no id member (Evidently's `/projects/{project}` answers `{project: {…}}`)",
    {
      path: '/projects',
      param: 'project',
      body: obj({ name: str }, { required: ['name'] }),
      created: { '200': ok(project) },
      read: ok(project),
    },
    async (app) => {
      const created = await request(app).post('/projects').send({ name: 'p1' }).expect(200);
      assert.equal(created.body.project.name, 'p1');
      await request(app).get('/projects/p1').expect(200);
    },
  ],
  [
    "an answer that declares nothing names its id member in its example (Glacier's `uploadId`)",
    {
      path: '/uploads',
      param: 'uploadId',
      created: { '201': ok({ type: 'object', properties: {}, example: { uploadId: 'EXAMPLE', location: '/uploads/EXAMPLE' } }) },
      read: ok(obj({ parts: { type: 'array', items: str } })),
    },
    async (app) => {
      const created = await request(app).post('/uploads').expect(201);
      assert.notEqual(created.body.uploadId, 'EXAMPLE');
      await request(app).get(`/uploads/${created.body.uploadId}`).expect(200);
    },
  ],
  [
    "a request schema whose oneOf only lists required members beside its properties is sent as an object (InfluxDB's DBRP)",
    {
      path: '/dbrps',
      param: 'dbrpID',
      body: { $ref: '#/components/schemas/DBRP' },
      created: { '201': ok({ $ref: '#/components/schemas/DBRP' }) },
      read: ok({ $ref: '#/components/schemas/DBRP' }),
      components: {
        schemas: {
          DBRP: obj(
            { id: { type: 'string', readOnly: true }, org: str, orgID: str, database: str },
            { oneOf: [{ required: ['orgID', 'database'] }, { required: ['org', 'database'] }] },
          ),
        },
      },
    },
    async (app) => {
      await request(app).post('/dbrps').send('"x"').set('Content-Type', 'application/json').expect(400);
    },
  ],
  [
    "a request schema that is an allOf of a oneOf is sent as one of its branches (InfluxDB's checks)",
    {
      path: '/checks',
      param: 'checkID',
      body: { $ref: '#/components/schemas/PostCheck' },
      created: { '201': ok(obj({ id: { type: 'string', readOnly: true }, name: str })) },
      read: ok(obj({ id: str, name: str })),
      components: {
        schemas: {
          PostCheck: { allOf: [{ oneOf: [{ $ref: '#/components/schemas/Deadman' }, { $ref: '#/components/schemas/Threshold' }] }] },
          Deadman: obj({ type: { type: 'string', enum: ['deadman'] }, name: str }, { required: ['type', 'name'] }),
          Threshold: obj({ type: { type: 'string', enum: ['threshold'] }, name: str }, { required: ['type', 'name'] }),
        },
      },
    },
    async () => {},
  ],
  [
    "an answer that is one of two schemas names the id member its branches declare (InfluxDB's dashboards)",
    {
      path: '/dashboards',
      param: 'dashboardID',
      body: { $ref: '#/components/schemas/CreateDashboard' },
      created: { '201': ok({ oneOf: [{ $ref: '#/components/schemas/Dashboard' }, { $ref: '#/components/schemas/Dashboard' }] }) },
      read: ok({ oneOf: [{ $ref: '#/components/schemas/Dashboard' }, { $ref: '#/components/schemas/Dashboard' }] }),
      components: {
        schemas: {
          CreateDashboard: obj({ name: str, orgID: str }, { required: ['name', 'orgID'] }),
          Dashboard: { allOf: [{ $ref: '#/components/schemas/CreateDashboard' }, obj({ id: { type: 'string', readOnly: true } })] },
        },
      },
    },
    async () => {},
  ],
  [
    "a list envelope's member named as the collection carries the list, though `messages` usually does not (Twilio)",
    {
      path: '/messages',
      param: 'sid',
      body: obj({ body: str }),
      created: { '201': ok(message) },
      read: ok(message),
      list: ok(obj({ messages: { type: 'array', items: message }, meta: obj({ page: { type: 'integer' } }) })),
    },
    async (app) => {
      const created = await request(app).post('/messages').send({ body: 'hi' }).expect(201);
      const listed = await request(app).get('/messages').expect(200);
      assert.ok(
        listed.body.messages.some((m: { sid: string }) => m.sid === created.body.sid),
        listed.text,
      );
    },
  ],
  [
    "the suite looks for a created object on the first page, as large as allowed, without optional filters (VTEX's `page=3`, Postmark's required `count=1`)",
    {
      path: '/notes',
      param: 'noteId',
      body: obj({ text: str }),
      created: { '201': ok(obj({ id: str, text: str })) },
      read: ok(obj({ id: str, text: str })),
      list: ok(obj({ data: { type: 'array', items: obj({ id: str, text: str }) } })),
      listParams: [
        { name: 'count', in: 'query', required: true, schema: { type: 'integer', maximum: 500 }, example: 1 },
        { name: 'page', in: 'query', schema: { type: 'integer' }, example: 3 },
        { name: 'text', in: 'query', schema: str, example: 'other' },
      ],
      components: {},
    },
    async (app) => {
      for (const text of ['a', 'b']) await request(app).post('/notes').send({ text }).expect(201);
      assert.equal((await request(app).get('/notes?count=1').expect(200)).body.data.length, 1);
    },
  ],
  [
    'a list whose schema says nothing of its shape answers the objects (VTEX documents `{}`)',
    {
      path: '/tasks',
      param: 'taskId',
      body: obj({ name: str }),
      created: { '201': ok(obj({ id: str, name: str })) },
      read: ok(obj({ id: str, name: str })),
      list: ok({}, {}),
    },
    async (app) => {
      await request(app).post('/tasks').send({ name: 'a' }).expect(201);
      const listed = await request(app).get('/tasks').expect(200);
      assert.ok(Array.isArray(listed.body), listed.text);
    },
  ],
  [
    "a read of the collection that answers one object with an array of links is no list (NaviPlan's demographics)",
    {
      path: '/demographics',
      param: 'demographicsId',
      body: obj({ city: str }),
      created: { '201': ok(obj({ demographicsId: { type: 'integer' }, city: str })) },
      read: ok(obj({ demographicsId: { type: 'integer' }, city: str })),
      list: ok(obj({ demographicsId: { type: 'integer' }, city: str, links: { type: 'array', items: obj({ href: str }) } })),
    },
    async () => {},
  ],
  [
    "an answer holding the object in a member keeps the stored id beside it (Anchore's `policyId` beside `policybundle`)",
    {
      path: '/policies',
      param: 'policyId',
      body: obj({ id: str, version: str }, { required: ['id', 'version'] }),
      created: { '200': ok(policy) },
      read: ok(policy),
    },
    async (app) => {
      const created = await request(app).post('/policies').send({ id: 'bundle', version: '1' }).expect(200);
      assert.equal(created.body.policybundle.id, 'bundle');
      await request(app).get(`/policies/${created.body.policyId}`).expect(200);
    },
  ],
  [
    "an XML answer (sent as the JSON of its schema, as its sample is) lists the created objects too (Route 53's hosted zones)",
    {
      path: '/hostedzone',
      param: 'Id',
      body: obj({ Name: str }),
      created: { '201': { description: 'created', content: { 'text/xml': { schema: obj({ HostedZone: obj({ Id: str, Name: str }) }) } } } },
      read: { description: 'ok', content: { 'text/xml': { schema: obj({ HostedZone: obj({ Id: str, Name: str }) }) } } },
      list: {
        description: 'ok',
        content: { 'text/xml': { schema: obj({ HostedZones: { type: 'array', items: obj({ Id: str, Name: str }) } }) } },
      },
    },
    async (app) => {
      await request(app).post('/hostedzone').send({ Name: 'example.com' }).expect(201);
      const listed = await request(app).get('/hostedzone').expect(200);
      assert.equal(JSON.parse(listed.text).HostedZones.at(-1).Name, 'example.com');
    },
  ],
  [
    "a body documented only as any media type with a string schema takes the JSON a client sends as its text (Apicurio's artifacts)",
    {
      path: '/artifacts',
      param: 'artifactId',
      created: { '200': ok(obj({ artifactId: str })) },
      read: ok(obj({ artifactId: str })),
      components: {},
      body: undefined,
    },
    async () => {},
  ],
  [
    "a form example written as its encoded text is sent as its fields, with the value its enum takes (Truora's `country=co`)",
    {
      path: '/checks',
      param: 'check_id',
      created: { '201': ok(obj({ check_id: str, country: str })) },
      read: ok(obj({ check_id: str, country: str })),
    },
    async () => {},
  ],
  [
    "a sample of an object that must have members has them (AppConfig's `Actions: minProperties 1`)",
    {
      path: '/extensions',
      param: 'ExtensionIdentifier',
      body: obj(
        { Name: str, Actions: { type: 'object', minProperties: 1, additionalProperties: { type: 'array', items: str } } },
        { required: ['Name', 'Actions'] },
      ),
      created: { '201': ok(obj({ Id: str, Name: str })) },
      read: ok(obj({ Id: str, Name: str })),
    },
    async () => {},
  ],
  [
    "a create documenting another media type before JSON is sent as JSON (Open Banking's `application/jose+jwe` first)",
    {
      path: '/consents',
      param: 'ConsentId',
      created: { '201': ok(obj({ ConsentId: str, Permissions: { type: 'array', items: str } })) },
      read: ok(obj({ ConsentId: str })),
    },
    async () => {},
  ],
];

/** Specs the table's builder cannot say: a body of another media type than JSON. */
const bodies: Record<string, unknown> = {
  '/artifacts': { required: true, content: { '*/*': { schema: { type: 'string', format: 'binary' }, example: { openapi: '3.0.2' } } } },
  '/consents': {
    required: true,
    content: {
      'application/jose+jwe': { schema: obj({ Permissions: { type: 'array', items: str } }, { required: ['Permissions'] }) },
      'application/json': { schema: obj({ Permissions: { type: 'array', items: str } }, { required: ['Permissions'] }) },
    },
  },
  '/checks': {
    required: true,
    content: {
      'application/x-www-form-urlencoded': {
        schema: obj({ country: { type: 'string', enum: ['CO', 'MX'] }, national_id: str }, { required: ['country'] }),
        examples: { valid: { value: 'country=co&national_id=29478657' } },
      },
    },
  },
};

for (const [name, resource, check] of cases) {
  test(name, async () => {
    const spec = resourceSpec(resource) as { paths: Record<string, { post: Record<string, unknown> }> };
    const body = bodies[resource.path];
    if (body !== undefined) (spec.paths[resource.path] as { post: Record<string, unknown> }).post.requestBody = body;
    const file = specFile(`${resource.path.slice(1)}.json`, spec);
    const generic = await createGenericApp(file);
    await check(generic.app);
    assert.deepEqual(await suiteFailures(file, await createGenericApp(file)), []);
  });
}

test("an update and a delete that document only errors are no steps of the suite's scenarios (Callfire, OpenChannel)", async () => {
  const thing = obj({ id: str, name: str });
  const param = { name: 'id', in: 'path', required: true, schema: str };
  const file = specFile('errors-only.json', {
    openapi: '3.0.3',
    info: { title: 'Errors only', version: '1' },
    paths: {
      '/things': {
        post: {
          operationId: 'createThing',
          requestBody: { content: json(obj({ name: str })) },
          responses: { '201': ok(thing), '400': missing },
        },
      },
      '/things/{id}': {
        get: { operationId: 'getThing', parameters: [param], responses: { '200': ok(thing), '404': missing } },
        put: {
          operationId: 'updateThing',
          parameters: [param],
          requestBody: { content: json(obj({ name: str })) },
          responses: { '400': missing },
        },
        delete: { operationId: 'deleteThing', parameters: [param], responses: { '404': missing } },
      },
    },
  });
  assert.deepEqual(await suiteFailures(file, await createGenericApp(file)), []);
});

test('a GET whose spec requires a body answers without one (AWS SES lists import jobs by a GET with a body)', async () => {
  const job = obj({ JobId: str });
  const file = specFile('get-body.json', {
    openapi: '3.0.3',
    info: { title: 'GET body', version: '1' },
    paths: {
      '/jobs': {
        get: {
          operationId: 'listJobs',
          requestBody: { required: true, content: json(obj({ PageSize: { type: 'integer' } })) },
          responses: { '200': ok(obj({ Jobs: { type: 'array', items: job } })) },
        },
      },
    },
  });
  const generic = await createGenericApp(file);
  await request(generic.app).get('/jobs').expect(200);
});
