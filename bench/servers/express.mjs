// `make bench` baseline, the hand-written mock: bare Express 5 answering GET /v1/services with
// the twin's own document (res.json, `json spaces` 4 as the twin's `pretty`), behind HTTP Basic.
// Usage: node express.mjs PORT BODY_FILE
import { readFileSync } from 'node:fs';
import express from 'express';

const [port, bodyFile] = process.argv.slice(2);
const document = JSON.parse(readFileSync(bodyFile, 'utf8'));
const app = express();
app.set('json spaces', 4);
app.use((req, res, next) => {
  const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
  const [user, password] = Buffer.from(encoded ?? '', 'base64')
    .toString()
    .split(':');
  if (scheme !== 'Basic' || user !== 'admin' || password !== 'mariadb') {
    res.set('WWW-Authenticate', 'Basic realm="maxscale"').status(401).end();
    return;
  }
  next();
});
app.get('/v1/services', (_req, res) => {
  res.json(document);
});
app.listen(Number(port), '127.0.0.1');
