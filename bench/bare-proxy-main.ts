/**
 * The floor a Node.js gateway cannot go below: node:http in, undici out, one JSON parse and
 * stringify each way, and nothing else — no authentication, validation, logging or metrics.
 * The benchmark runs it beside Moat so Moat's cost can be told apart from Node's own.
 *
 *   npx tsx bench/bare-proxy-main.ts --upstream http://127.0.0.1:PORT
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({ options: { upstream: { type: 'string' } } });
if (values.upstream === undefined) throw new Error('--upstream ORIGIN is required');
const upstream = new Pool(values.upstream, { connections: 128 });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void forward(Buffer.concat(chunks).toString('utf8'), request.url ?? '/', response);
  });
});

async function forward(text: string, path: string, response: ServerResponse): Promise<void> {
  const payload = JSON.parse(text) as { stream?: boolean };
  const answer = await upstream.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const contentType = String(answer.headers['content-type'] ?? 'application/json');
  response.writeHead(answer.statusCode, { 'content-type': contentType });

  if (payload.stream === true) {
    for await (const chunk of answer.body) response.write(chunk);
    response.end();
    return;
  }
  response.end(JSON.stringify(JSON.parse(await answer.body.text())));
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => {
  server.close();
  void upstream.close().then(() => process.exit(0));
});
