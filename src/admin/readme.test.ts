/**
 * README.md's curl examples, run in order against the twins (with the admin
 * API on), so the tour and every tool's copy-paste example keep working: each
 * answers 2xx unless its comment names another status (`# 403: …`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../app.js';
import { testConfig } from '../config.js';
import { projectRoot } from '../spec/load.js';

/** The README sections whose examples are run. */
const SECTIONS = ['### Call it with curl', '### Test your client: journal, faults, Prefer, state'];

/** Splits a shell line into words (single and double quotes, backslash escapes); stops at a comment. */
function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word = (word ?? '') + line[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '#' && word === undefined) {
      return { words, comment: line.slice(i + 1).trim() };
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + (c === '\\' && i + 1 < line.length ? line[++i] : c);
    }
  }
  if (word !== undefined) words.push(word);
  return { words, comment: '' };
}

interface Curl {
  method: string;
  url: URL;
  user?: string;
  headers: Record<string, string>;
  data?: string;
  output?: string;
  expected?: number;
  text: string;
}

function parseCurl(text: string): Curl | undefined {
  const { words, comment } = shellWords(text);
  if (words[0] !== 'curl') return undefined;
  const out: Curl = { method: '', url: new URL('http://localhost'), headers: {}, text };
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? '';
    const next = () => words[++i] ?? '';
    if (w === '-u') out.user = next();
    else if (w === '-X') out.method = next();
    else if (w === '-H') {
      const [name = '', ...value] = next().split(':');
      out.headers[name.trim()] = value.join(':').trim();
    } else if (w === '-d') out.data = next();
    else if (w === '-o') out.output = next();
    else out.url = new URL(/^https?:/.test(w) ? w : `http://${w}`);
  }
  out.method ||= out.data === undefined ? 'GET' : 'POST';
  const status = /^(\d{3})\b/.exec(comment)?.[1];
  if (status) out.expected = Number(status);
  return out;
}

/** The curl commands of a README section, continuation lines joined. */
function examples(readme: string, heading: string): Curl[] {
  const start = readme.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `README.md has a section '${heading}'`);
  const end = readme.indexOf('\n### ', start + heading.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, '').split('\n'))
    .map(parseCurl)
    .filter((c): c is Curl => c !== undefined);
}

test("README.md's curl tour and admin API examples answer as their comments say", async () => {
  const apps = await createApp(testConfig());
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const files = new Map<string, string>();
  const curls = SECTIONS.flatMap((heading) => examples(readme, heading));
  assert.ok(curls.length >= 30, `found ${curls.length} examples`);
  for (const curl of curls) {
    const app = curl.url.port === '8080' ? apps.pip : apps.maxscale;
    let req = request(app)[curl.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](`${curl.url.pathname}${curl.url.search}`);
    if (curl.user) {
      const [user = '', password = ''] = curl.user.split(':');
      req = req.auth(user, password);
    }
    for (const [name, value] of Object.entries(curl.headers)) req = req.set(name, value);
    if (curl.data !== undefined) {
      // curl -d sends application/x-www-form-urlencoded unless told; `@file` reads a file an earlier `-o` wrote.
      const body = curl.data.startsWith('@') ? (files.get(curl.data.slice(1)) ?? '') : curl.data;
      if (!curl.headers['Content-Type']) req = req.set('Content-Type', 'application/x-www-form-urlencoded');
      req = req.send(body);
    }
    const res = await req;
    if (curl.output) files.set(curl.output, res.text);
    if (curl.expected !== undefined) assert.equal(res.status, curl.expected, `${curl.text}\n→ ${res.status} ${res.text}`);
    else assert.ok(res.status >= 200 && res.status < 300, `${curl.text}\n→ ${res.status} ${res.text}`);
  }
});
