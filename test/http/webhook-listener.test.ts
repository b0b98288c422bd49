import assert from 'node:assert/strict';
import { WebhookListener } from '../../src/http/webhook-listener';
import { bearerMatches } from '../../src/vendors/smartphonekey/webhook-auth';

describe('http: WebhookListener', () => {
  let listener: WebhookListener;
  const events: unknown[] = [];
  beforeEach(async () => {
    events.length = 0;
    listener = new WebhookListener({
      host: '127.0.0.1',
      port: 0,
      path: '/hook',
      authorize: (h) => bearerMatches(h.authorization, 's3cret-bearer'),
      onEvent: (body) => events.push(body),
    });
    await listener.start();
  });
  afterEach(() => listener.stop());

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

  it('delivers a well-formed, authorized POST', async () => {
    assert.equal((await post('{"id":"e1"}')).status, 200);
    assert.deepEqual(events, [{ id: 'e1' }]);
  });

  it('refuses bad deliveries without passing them on', async () => {
    assert.equal((await post('{"id":"e1"}', { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post('{"id":"e1"}', {})).status, 401);
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post('{"id":"e1"}', undefined, '/other')).status, 404);
    const big = await post(JSON.stringify({ pad: 'x'.repeat(70_000) })).catch(() => ({ status: 413 }));
    assert.equal(big.status, 413);
    assert.deepEqual(events, []);
  });
});
