// The reference for the CLI rows: the same call as one node:http request in a script that does nothing else.
// Usage: node one-shot.mjs METHOD URL [JSON-BODY]
import { request } from 'node:http';

const [method, url, body] = process.argv.slice(2);
const req = request(url, { method, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    process.exitCode = res.statusCode < 300 ? 0 : 1;
  });
});
req.end(body);
