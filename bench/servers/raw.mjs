// `make bench` baseline: raw node:http answering GET /v1/services with bytes serialised once
// (the twin's own answer), behind the same HTTP Basic check. Usage: node raw.mjs PORT BODY_FILE
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, bodyFile] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const authorization = `Basic ${Buffer.from('admin:mariadb').toString('base64')}`;
createServer((req, res) => {
  if (req.headers.authorization !== authorization) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="maxscale"' }).end();
  } else if (req.method === 'GET' && req.url === '/v1/services') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
  } else {
    res.writeHead(404).end();
  }
}).listen(Number(port), '127.0.0.1');
