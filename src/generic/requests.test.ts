/**
 * What a generic twin reads from a request, for the kinds of real-world specs
 * the corpus run found it misread: each spec here is the smallest one with
 * that trait, served as a twin, checked with supertest and then by the whole
 * contract suite (Dredd's example replay aside), which must find nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { specFiles } from '../testing/spec-files.js';
import { suiteFailures } from '../testing/suite-failures.js';
import { createGenericApp } from './app.js';

const specFile = specFiles('generic-requests');

const json = (schema: unknown) => ({ 'application/json': { schema } });
const ok = (schema: unknown) => ({ description: 'ok', content: json(schema) });
const invalid = { description: 'invalid', content: json({ type: 'object', properties: { message: { type: 'string' } } }) };
const missing = { description: 'no such object', content: json({ type: 'object', properties: { message: { type: 'string' } } }) };
const idParam = (name: string, example: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, example });

describe('nested collections', () => {
  test("a collection under a parent whose item path names the id differently keeps each scenario's parent (LUIS's entity roles)", async () => {
    // `/entities/{entityId}` reads an entity, but its roles live at `/entities/{eId}/roles`: the
    // inference cannot pair the two, and each operation documents another example `eId`.
    const role = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } };
    const file = specFile('roles.json', {
      openapi: '3.0.3',
      info: { title: 'Roles', version: '1' },
      paths: {
        '/entities/{entityId}': {
          get: { operationId: 'getEntity', parameters: [idParam('entityId', 'e0')], responses: { '200': ok(role), '404': missing } },
        },
        '/entities/{eId}/roles': {
          post: {
            operationId: 'createRole',
            parameters: [idParam('eId', 'e1')],
            requestBody: { required: true, content: { 'application/json': { schema: role, example: { name: 'admin' } } } },
            responses: { '201': ok(role), '400': invalid, '404': missing },
          },
          get: { operationId: 'listRoles', parameters: [idParam('eId', 'e2')], responses: { '200': ok({ type: 'array', items: role }) } },
        },
        '/entities/{eId}/roles/{roleId}': {
          get: {
            operationId: 'getRole',
            parameters: [idParam('eId', 'e3'), idParam('roleId', 'r1')],
            responses: { '200': ok(role), '404': missing },
          },
          delete: {
            operationId: 'deleteRole',
            parameters: [idParam('eId', 'e4'), idParam('roleId', 'r1')],
            responses: { '204': { description: 'gone' }, '404': missing },
          },
        },
      },
    });
    const generic = await createGenericApp(file);
    assert.deepEqual(await suiteFailures(file, generic), []);
  });

  test('a created object is listed under the id member the list items declare (OnSched lists templates by `name`)', async () => {
    const file = specFile('templates.json', {
      openapi: '3.0.3',
      info: { title: 'Templates', version: '1' },
      paths: {
        '/locations/{id}/templates': {
          post: {
            operationId: 'createTemplate',
            parameters: [idParam('id', 'l1')],
            requestBody: {
              content: json({
                type: 'object',
                additionalProperties: false,
                properties: { templateName: { type: 'string' }, templateContent: { type: 'string' } },
              }),
            },
            responses: { '200': ok({ type: 'object', properties: { content: { type: 'string' } } }) },
          },
          get: {
            operationId: 'listTemplates',
            parameters: [idParam('id', 'l1')],
            responses: {
              '200': ok({
                type: 'object',
                additionalProperties: false,
                properties: {
                  data: {
                    type: 'array',
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      properties: { name: { type: 'string' }, customized: { type: 'boolean' } },
                    },
                  },
                  total: { type: 'integer' },
                },
              }),
            },
          },
        },
        '/locations/{id}/templates/{templateName}': {
          get: {
            operationId: 'getTemplate',
            parameters: [idParam('id', 'l1'), idParam('templateName', 't1')],
            responses: { '200': ok({ type: 'object', properties: { content: { type: 'string' } } }) },
          },
        },
      },
    });
    const generic = await createGenericApp(file);
    await request(generic.app).post('/locations/l9/templates').send({ templateName: 'welcome', templateContent: 'aGk=' }).expect(200);
    const listed = await request(generic.app).get('/locations/l9/templates').expect(200);
    assert.ok(
      listed.body.data.some((t: { name?: string }) => t.name === 'welcome'),
      JSON.stringify(listed.body),
    );
    assert.deepEqual(await suiteFailures(file, generic), []);
  });

  test("a nested create whose body schema openapi-backend cannot compile still stores under the path's parent (Drive's comments)", async () => {
    // One schema `$ref`ed twice, each time with a sibling `description` (Drive's `author` of a comment
    // and of its replies): openapi-backend's compiled schema is then invalid, so the body is validated
    // from the bundled document, and the path's ids must still reach the handler.
    const author = (description: string) => ({ $ref: '#/components/schemas/User', description });
    const comment = { type: 'object', properties: { id: { type: 'string' }, content: { type: 'string' } } };
    const file = specFile('comments.json', {
      openapi: '3.0.3',
      info: { title: 'Comments', version: '1' },
      paths: {
        '/files/{fileId}/comments': {
          post: {
            operationId: 'createComment',
            parameters: [idParam('fileId', 'f1')],
            requestBody: { content: json({ $ref: '#/components/schemas/NewComment' }) },
            responses: { '200': ok(comment) },
          },
          get: {
            operationId: 'listComments',
            parameters: [idParam('fileId', 'f1')],
            responses: { '200': ok({ type: 'object', properties: { comments: { type: 'array', items: comment } } }) },
          },
        },
        '/files/{fileId}/comments/{commentId}': {
          get: {
            operationId: 'getComment',
            parameters: [idParam('fileId', 'f1'), idParam('commentId', 'c1')],
            responses: { '200': ok(comment) },
          },
        },
      },
      components: {
        schemas: {
          NewComment: {
            type: 'object',
            properties: {
              content: { type: 'string' },
              author: author('who wrote the comment'),
              replies: { type: 'array', items: { type: 'object', properties: { author: author('who replied') } } },
            },
          },
          User: { type: 'object', properties: { name: { type: 'string' } } },
        },
      },
    });
    const generic = await createGenericApp(file);
    const created = await request(generic.app).post('/files/f7/comments').send({ content: 'hi' }).expect(200);
    const listed = await request(generic.app).get('/files/f7/comments').expect(200);
    assert.deepEqual(
      listed.body.comments.map((c: { id: string }) => c.id),
      [created.body.id],
    );
    assert.equal((await request(generic.app).get('/files/other/comments').expect(200)).body.comments.length, 0);
    // Still validated, from the bundled document.
    assert.equal((await request(generic.app).post('/files/f7/comments').send({ content: 5 })).status, 400);
  });
});

describe('query strings', () => {
  const file = () =>
    specFile('query.json', {
      openapi: '3.0.3',
      info: { title: 'Icons', version: '1' },
      paths: {
        // icons8 names `{term}` in its template's query and declares only `amount`.
        '/icons/latest?term={term}&amount={amount}': {
          get: {
            operationId: 'latest',
            parameters: [{ name: 'amount', in: 'query', schema: { type: 'integer' } }],
            responses: { '200': ok({ type: 'object', properties: { amount: { type: 'integer' } } }), '400': invalid },
          },
        },
        '/icons': {
          get: {
            operationId: 'search',
            parameters: [
              { name: 'amount', in: 'query', schema: { type: 'integer' } },
              { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } },
            ],
            responses: { '200': ok({ type: 'object' }), '400': invalid },
          },
        },
      },
    });

  test('a query parameter the operation does not declare is ignored, as real servers ignore it', async () => {
    const spec = file();
    const generic = await createGenericApp(spec);
    await request(generic.app).get('/icons/latest?term=cat&amount=5').expect(200);
    await request(generic.app).get('/icons?unknown=1&amount=5').expect(200);
    assert.deepEqual(await suiteFailures(spec, generic), []);
  });

  test('a declared one is still validated, every value of a repeated one too', async () => {
    const generic = await createGenericApp(file());
    await request(generic.app).get('/icons?amount=five').expect(400);
    await request(generic.app).get('/icons?tag=a&tag=b').expect(200);
    await request(generic.app).get('/icons?tag=a&tag=zzz').expect(400);
  });
});

describe('request bodies', () => {
  const event = {
    type: 'object',
    required: ['eventType'],
    additionalProperties: false,
    properties: { eventType: { type: 'string' }, active: { type: 'boolean' } },
  };
  const spec = () =>
    specFile('bodies.json', {
      openapi: '3.0.3',
      info: { title: 'Bodies', version: '1' },
      paths: {
        // Zuora documents its JSON with a charset; openapi-backend validates only `application/json` itself.
        '/events': {
          post: {
            operationId: 'createEvent',
            requestBody: {
              required: true,
              content: { 'application/json; charset=utf-8': { schema: event, example: { eventType: 'x', active: 'true' } } },
            },
            responses: { '200': ok({ type: 'object', properties: { id: { type: 'string' } } }), '400': invalid },
          },
        },
        // Zuora's uploads: a file and a text field, as multipart/form-data.
        '/attachments': {
          post: {
            operationId: 'attach',
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: ['file', 'params'],
                    properties: { file: { type: 'string', format: 'binary' }, params: { type: 'string' } },
                  },
                },
              },
            },
            responses: { '200': ok({ type: 'object', properties: { fileId: { type: 'string' } } }), '400': invalid, '415': invalid },
          },
        },
        // Jira's avatars take any media type.
        '/avatars': {
          post: {
            operationId: 'uploadAvatar',
            requestBody: { required: true, content: { '*/*': { schema: {} } } },
            responses: { '201': ok({ type: 'object', properties: { id: { type: 'string' } } }), '400': invalid },
          },
        },
      },
    });

  test('a JSON body of another JSON media type is validated, and a missing required body refused', async () => {
    const generic = await createGenericApp(spec());
    const send = (body: string) => request(generic.app).post('/events').set('Content-Type', 'application/json; charset=utf-8').send(body);
    assert.equal((await send('{"eventType":"created"}')).status, 200);
    assert.equal((await send('"created"')).status, 400);
    assert.equal((await send('{"active":true}')).status, 400);
    await request(generic.app).post('/events').expect(400);
  });

  test('a multipart form is read where the operation documents one: files as their text, fields as they are', async () => {
    const generic = await createGenericApp(spec());
    await request(generic.app)
      .post('/attachments')
      .field('params', '{"actionType":"x"}')
      .attach('file', Buffer.from('a,b\n'), 'data.csv')
      .expect(200);
    // A missing text field is refused, and so is a missing file, after a valid form as before it
    // (openapi-backend takes binary members out of the document's `required` when it compiles).
    await request(generic.app).post('/attachments').attach('file', Buffer.from('a,b\n'), 'data.csv').expect(400);
    await request(generic.app).post('/attachments').field('params', '{}').expect(400);
    // Not documented there: refused unread, with the client error the operation documents (it has no 415).
    await request(generic.app).post('/events').field('eventType', 'x').expect(400);
  });

  test('a body of any media type is taken where `*/*` is documented, and its absence refused', async () => {
    const generic = await createGenericApp(spec());
    await request(generic.app)
      .post('/avatars')
      .set('Content-Type', 'image/png')
      .send(Buffer.from([1, 2, 3]))
      .expect(201);
    await request(generic.app).post('/avatars').set('Content-Type', 'text/plain').send('x').expect(201);
    await request(generic.app).post('/avatars').expect(400);
  });

  test('the contract suite finds nothing: examples that break their own schema are mended before they are sent', async () => {
    const file = spec();
    assert.deepEqual(await suiteFailures(file, await createGenericApp(file)), []);
  });
});

describe('answers built from what real-world specs document', () => {
  test("a list whose item schema no value can meet answers without those items (Jira's default values)", async () => {
    // A oneOf with a discriminator on an object that also says `additionalProperties: false` and
    // declares no properties: no item validates, an empty list does.
    const option = (type: string) => ({
      type: 'object',
      required: ['type', 'optionId'],
      properties: { type: { type: 'string', enum: [type] }, optionId: { type: 'string' } },
    });
    const file = specFile('defaults.json', {
      openapi: '3.0.3',
      info: { title: 'Defaults', version: '1' },
      paths: {
        '/field/{fieldId}/defaults': {
          get: {
            operationId: 'getDefaultValues',
            parameters: [idParam('fieldId', 'f1')],
            responses: {
              '200': ok({
                type: 'object',
                additionalProperties: false,
                properties: {
                  total: { type: 'integer' },
                  values: {
                    type: 'array',
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      discriminator: { propertyName: 'type' },
                      oneOf: [option('option.single'), option('option.multiple')],
                    },
                  },
                },
              }),
              '404': missing,
            },
          },
        },
      },
    });
    const generic = await createGenericApp(file);
    const res = await request(generic.app).get('/field/f1/defaults').expect(200);
    assert.deepEqual(res.body.values, []);
  });

  test("a create answers its new id in the type its answer documents, and reads it back (Jira's string ids of integer schemes)", async () => {
    const scheme = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
    const file = specFile('schemes.json', {
      openapi: '3.0.3',
      info: { title: 'Schemes', version: '1' },
      paths: {
        '/schemes': {
          post: {
            operationId: 'createScheme',
            requestBody: { required: true, content: { 'application/json': { schema: scheme, example: { name: 's' } } } },
            responses: {
              // The answer's example is written as the text of its JSON.
              '201': {
                description: 'made',
                content: {
                  'application/json': {
                    schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
                    example: '{"id":"10001"}',
                  },
                },
              },
              '400': invalid,
            },
          },
        },
        '/schemes/{id}': {
          get: {
            operationId: 'getScheme',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
            responses: { '200': ok(scheme), '401': { description: 'no credentials' } },
          },
          delete: {
            operationId: 'deleteScheme',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
            // Jira's deletes answer 303 See Other and document no 2xx.
            responses: { '303': { description: 'see the task' }, '404': missing },
          },
        },
      },
    });
    const generic = await createGenericApp(file);
    const created = await request(generic.app).post('/schemes').send({ name: 'a' }).expect(201);
    assert.equal(typeof created.body.id, 'string');
    assert.equal((await request(generic.app).get(`/schemes/${created.body.id}`).expect(200)).body.name, 'a');
    // The read documents no 404, only 401: an unknown id gets the one client error it documents.
    await request(generic.app).get('/schemes/987654').expect(401);
    assert.deepEqual(await suiteFailures(file, generic), []);
  });

  test("a list documented by an example alone lists the objects created (Zuora's accounting codes)", async () => {
    const file = specFile('codes.json', {
      openapi: '3.0.3',
      info: { title: 'Codes', version: '1' },
      paths: {
        '/codes': {
          post: {
            operationId: 'createCode',
            requestBody: {
              content: {
                'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } }, example: { name: 'CASH' } },
              },
            },
            responses: { '200': ok({ type: 'object', properties: { id: { type: 'string' }, success: { type: 'boolean' } } }) },
          },
          get: {
            operationId: 'listCodes',
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { example: { codes: [{ id: 'c1', name: 'Discounts' }], success: true } } },
              },
            },
          },
        },
        '/codes/{id}': {
          get: { operationId: 'getCode', parameters: [idParam('id', 'c1')], responses: { '200': ok({ type: 'object' }), '404': missing } },
        },
      },
    });
    const generic = await createGenericApp(file);
    const created = await request(generic.app).post('/codes').send({ name: 'CASH' }).expect(200);
    const listed = await request(generic.app).get('/codes').expect(200);
    assert.ok(
      listed.body.codes.some((c: { id?: string }) => c.id === created.body.id),
      JSON.stringify(listed.body),
    );
    assert.equal(listed.body.success, true);
    assert.deepEqual(await suiteFailures(file, generic), []);
  });
});
