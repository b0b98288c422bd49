import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { WebhookListener } from '../../src/http/webhook-listener';
import { bearerMatches } from '../../src/vendors/smartphonekey/webhook-auth';

/** A raw connection, to send what no well-behaved client would. */
function rawSocket(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

describe('http: WebhookListener', () => {
  let listener: WebhookListener;
  const events: unknown[] = [];
  beforeEach(async () => {
    events.length = 0;
    listener = new WebhookListener({
      host: '127.0.0.1',
      port: 0,
      path: '/hook',
      authorize: (d) => bearerMatches(d.headers.authorization, 's3cret-bearer'),
      onEvent: (body) => events.push(body),
      maxBodyBytes: 1024,
    });
    await listener.start();
  });
  afterEach(() => listener.stop());

  /**
   * A listener with short header and request deadlines, for the slow-connection tests only: on a
   * loaded machine a deadline of a few hundred ms can pass before a well-formed request is read.
   */
  async function impatientListener(): Promise<void> {
    await listener.stop();
    listener = new WebhookListener({
      host: '127.0.0.1',
      port: 0,
      path: '/hook',
      authorize: (d) => bearerMatches(d.headers.authorization, 's3cret-bearer'),
      onEvent: (body) => events.push(body),
      maxBodyBytes: 1024,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
    });
    await listener.start();
  }

  const post = (
    body: string,
    headers: Record<string, string> = { authorization: 'Bearer s3cret-bearer' },
    path = '/hook',
  ) =>
    fetch(listener.url.replace('/hook', path), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('delivers a well-formed, authorized POST, and closes the connection after answering', async () => {
    const { socket, received, closed } = await rawSocket(listener.url);
    const body = '{"id":"e1"}';
    socket.write(
      'POST /hook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-bearer\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    // No kept-alive socket for a sender to reuse just as the listener times it out.
    await closed;
    assert.match(received(), /^HTTP\/1\.1 200[^]*\r\nconnection: close\r\n/i);
    assert.deepEqual(events, [{ id: 'e1' }]);
    events.length = 0;
    assert.equal((await post('{"id":"e1"}')).status, 200);
    assert.deepEqual(events, [{ id: 'e1' }]);
  });

  it('refuses bad deliveries without passing them on', async () => {
    assert.equal((await post('{"id":"e1"}', { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post('{"id":"e1"}', {})).status, 401);
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post('{"id":"e1"}', undefined, '/other')).status, 404);
    assert.equal((await post('{"id":"e1"}', undefined, '/hooks')).status, 404);
    const big = await post(JSON.stringify({ pad: 'x'.repeat(2000) })).catch(() => ({ status: 413 }));
    assert.equal(big.status, 413);
    assert.deepEqual(events, []);
  });

  it('a flood of forged deliveries publishes nothing', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(JSON.stringify({ id: `forged-${i}`, who: 'Mallory' }), {
          authorization: `Bearer guess-${i}`,
        }).then((r) => r.status),
      ),
    );
    assert.ok(statuses.every((s) => s === 401));
    assert.deepEqual(events, []);
  });

  it('answers 413 from the Content-Length alone, before any of the body is read', async () => {
    const { socket, received, closed } = await rawSocket(listener.url);
    socket.write(
      'POST /hook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-bearer\r\n' +
        'Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n',
    );
    await closed;
    assert.match(received(), /^HTTP\/1\.1 413/);
    assert.deepEqual(events, []);
  });

  it('cuts a streamed body as soon as it passes the limit', async () => {
    const { socket, received, closed } = await rawSocket(listener.url);
    socket.write(
      'POST /hook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-bearer\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = 'x'.repeat(600);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    await closed;
    assert.match(received(), /^HTTP\/1\.1 413/);
  });

  it('closes a slow-loris connection whose headers never end', async () => {
    await impatientListener();
    const { socket, received, closed } = await rawSocket(listener.url);
    socket.write('POST /hook HTTP/1.1\r\nHost: x\r\n');
    // No more bytes: the headers timeout ends the connection (the test waits for the close).
    await closed;
    assert.match(received(), /^(HTTP\/1\.1 408|$)/);
    assert.deepEqual(events, []);
  });

  it('refuses oversized headers', async () => {
    const { socket, received, closed } = await rawSocket(listener.url);
    socket.write(`POST /hook HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    await closed;
    assert.match(received(), /^HTTP\/1\.1 431/);
  });

  it('closes a connection whose body never arrives', async () => {
    await impatientListener();
    const { socket, closed } = await rawSocket(listener.url);
    socket.write(
      'POST /hook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-bearer\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":',
    );
    await closed;
    assert.deepEqual(events, []);
  });
});
