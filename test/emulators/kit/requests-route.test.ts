import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { EmulatorServer, type RecordedArrival } from '../../../src/emulators/kit';

/** One HTTP request to the emulator; resolves with the status, or 'dropped' when the socket closes. */
function send(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number | 'dropped'; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const req = request(url, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? resolve({ status: 'dropped', json: undefined }) : reject(err),
    );
    req.end(payload);
  });
}

describe('emulator kit: GET /_emulator/requests (the arrival log for a test in another process)', () => {
  let server: EmulatorServer;
  let url: string;

  beforeEach(async () => {
    server = new EmulatorServer({ name: 'kit', errorShape: (_s, message) => ({ message }) });
    server.route('POST', '/things/:id', () => ({ status: 201, body: { ok: true } }));
    url = await server.listen();
  });
  afterEach(() => server.close());

  it('lists each arrival with its time and the status it was answered with, injected faults included', async () => {
    const before = Date.now();
    assert.equal((await send(`${url}/things/1`, 'POST', { secret: 'hunter2' })).status, 201);
    await send(`${url}/_emulator/faults`, 'POST', { status: 429, retryAfterSeconds: 3, count: 1 });
    assert.equal((await send(`${url}/things/2`, 'POST')).status, 429);
    await send(`${url}/_emulator/faults`, 'POST', { drop: true, count: 1 });
    assert.equal((await send(`${url}/things/3`, 'POST')).status, 'dropped');

    const answer = await send(`${url}/_emulator/requests?since=${before}`, 'GET');
    assert.equal(answer.status, 200);
    const { requests } = answer.json as { requests: RecordedArrival[] };
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.status]),
      [
        ['POST', '/things/1', 201],
        ['POST', '/things/2', 429],
        ['POST', '/things/3', 'dropped'],
      ],
    );
    for (const r of requests) assert.ok(r.at >= before && r.at <= Date.now());
    // Control routes are not arrivals, and neither headers nor bodies are shown.
    assert.ok(!JSON.stringify(answer.json).includes('hunter2'));
  });

  it('filters by since and refuses a since that is not a number', async () => {
    await send(`${url}/things/1`, 'POST');
    const later = (server.requests[0]?.at ?? 0) + 1;
    const filtered = await send(`${url}/_emulator/requests?since=${later}`, 'GET');
    assert.deepEqual((filtered.json as { requests: RecordedArrival[] }).requests, []);
    assert.equal((await send(`${url}/_emulator/requests?since=soon`, 'GET')).status, 400);
  });

  it('keeps recordLimit arrivals, which a long run can raise', async () => {
    server.recordLimit = 2;
    for (const id of [1, 2, 3]) await send(`${url}/things/${id}`, 'POST');
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/things/2', '/things/3'],
    );
  });
});
