import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { eventually, startSeam, type Running } from './helpers';
import type {
  SeamAccessCode,
  SeamActionAttempt,
  SeamDevice,
  SeamEvent,
} from '../../../src/vendors/seam/types';

type Err = { error: { type: string; message: string; data?: { constraint_types?: string[] } }; ok: false };

describe('seam emulator: HTTP API', () => {
  let seam: Running;
  let ids: NonNullable<Running['emulator']['demo']>;
  beforeEach(async () => {
    seam = await startSeam();
    ids = seam.emulator.demo as typeof ids;
  });
  afterEach(() => seam.emulator.close());

  it('answers 401 in Seam error shape without a key or with a wrong key', async () => {
    const none = await seam.api.post('/locks/list', {}, { headers: { authorization: '' } });
    assert.equal(none.status, 401);
    assert.deepEqual(none.data, {
      error: { type: 'unauthorized', message: 'No Authorization header' },
      ok: false,
    });
    const wrong = await seam.api.post('/locks/list', {}, { headers: { authorization: 'Bearer seam_wrong' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.data.error.message, 'API Key not found');
    assert.ok(wrong.headers['seam-request-id']);
  });

  it('lists locks with the document properties, by POST and by GET, and paginates devices/list', async () => {
    const { data } = await seam.post<{ locks: SeamDevice[]; devices: SeamDevice[]; ok: boolean }>(
      '/locks/list',
    );
    assert.equal(data.ok, true);
    assert.equal(data.locks.length, 4);
    const nuki = data.locks.find((d) => d.device_id === ids.nuki) as SeamDevice;
    assert.deepEqual(nuki.properties.supported_code_lengths, [6]);
    assert.deepEqual(
      nuki.properties.code_constraints?.map((c) => c.constraint_type),
      ['cannot_start_with_12', 'no_zeros', 'name_length'],
    );
    assert.equal(nuki.properties.max_active_codes_supported, 250);
    assert.equal(nuki.properties.manufacturer, 'nuki');
    assert.equal(nuki.properties.door_open, false);
    const viaGet = await seam.api.get(`/locks/get?device_id=${ids.schlage}`);
    assert.equal(viaGet.data.lock.properties.name, 'Back Door');
    const page1 = await seam.post<{
      devices: SeamDevice[];
      pagination: { has_next_page: boolean; next_page_cursor: string };
    }>('/devices/list', { limit: 3 });
    assert.equal(page1.data.devices.length, 3);
    assert.equal(page1.data.pagination.has_next_page, true);
    const page2 = await seam.post<{ devices: SeamDevice[]; pagination: { has_next_page: boolean } }>(
      '/devices/list',
      {
        limit: 3,
        page_cursor: page1.data.pagination.next_page_cursor,
      },
    );
    assert.equal(page2.data.devices.length, 1);
    assert.equal(page2.data.pagination.has_next_page, false);
  });

  it('answers 404 device_not_found for unknown devices and 400 invalid_input for bad bodies', async () => {
    const unknown = await seam.post<Err>('/locks/unlock_door', { device_id: 'no-such-device' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.data.error.type, 'device_not_found');
    const missing = await seam.post<Err>('/locks/get', {});
    assert.equal(missing.status, 400);
    assert.equal(missing.data.error.type, 'invalid_input');
    const notObject = await seam.api.post('/locks/unlock_door', '[1]', {
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notObject.status, 400);
    const attempt = await seam.post<Err>('/action_attempts/get', { action_attempt_id: 'nope' });
    assert.equal(attempt.data.error.type, 'action_attempt_not_found');
  });

  it('runs unlock as an action attempt: pending, then success, lock flipped and lock.unlocked event', async () => {
    const start = new Date().toISOString();
    const { data } = await seam.post<{ action_attempt: SeamActionAttempt }>('/locks/unlock_door', {
      device_id: ids.nuki,
    });
    assert.equal(data.action_attempt.status, 'pending');
    assert.equal(data.action_attempt.action_type, 'UNLOCK_DOOR');
    const done = await eventually(async () => {
      const r = await seam.post<{ action_attempt: SeamActionAttempt }>('/action_attempts/get', {
        action_attempt_id: data.action_attempt.action_attempt_id,
      });
      return r.data.action_attempt.status !== 'pending' && r.data.action_attempt;
    });
    assert.equal(done.status, 'success');
    assert.deepEqual(done.result, {});
    const lock = await seam.post<{ lock: SeamDevice }>('/locks/get', { device_id: ids.nuki });
    assert.equal(lock.data.lock.properties.locked, false);
    const events = await seam.post<{ events: SeamEvent[] }>('/events/list', {
      since: start,
      event_type: 'lock.unlocked',
    });
    assert.equal(events.data.events.length, 1);
    assert.equal(events.data.events[0].method, 'seamapi');
    assert.equal(events.data.events[0].action_attempt_id, data.action_attempt.action_attempt_id);
  });

  it('fails action attempts on an offline or jammed lock, and waits with sync: true', async () => {
    const offline = await seam.post<{ action_attempt: SeamActionAttempt }>('/locks/lock_door', {
      device_id: ids.offline,
      sync: true,
    });
    assert.equal(offline.data.action_attempt.status, 'error');
    assert.equal(offline.data.action_attempt.error?.type, 'device_offline');
    seam.emulator.jamNext(ids.schlage);
    const jam = await seam.post<{ action_attempt: SeamActionAttempt }>('/locks/lock_door', {
      device_id: ids.schlage,
      sync: true,
    });
    assert.equal(jam.data.action_attempt.error?.type, 'lock_jammed');
  });

  it('takes access codes from setting to set, and enforces the Nuki constraints with Seam error types', async () => {
    const ok = await seam.post<{ access_code: SeamAccessCode; action_attempt: SeamActionAttempt }>(
      '/access_codes/create',
      {
        device_id: ids.nuki,
        name: 'Cleaner',
        code: '345678',
      },
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.data.access_code.status, 'setting');
    assert.equal(ok.data.access_code.type, 'ongoing');
    assert.equal(ok.data.action_attempt.action_type, 'CREATE_ACCESS_CODE');
    await eventually(async () => {
      const r = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/get', {
        access_code_id: ok.data.access_code.access_code_id,
      });
      return r.data.access_code.status === 'set';
    }, 'code set');

    const broken: Array<[Record<string, unknown>, string[]]> = [
      [{ code: '345607', name: 'Zero' }, ['no_zeros']],
      [{ code: '123456', name: 'Twelve' }, ['cannot_start_with_12']],
      [{ code: '34567', name: 'Five digits' }, ['supported_code_lengths']],
      [{ code: '456789', name: 'A name that is much too long' }, ['name_length']],
      [{ code: '120456', name: 'Both' }, ['no_zeros', 'cannot_start_with_12']],
    ];
    for (const [body, types] of broken) {
      const r = await seam.post<Err>('/access_codes/create', { device_id: ids.nuki, ...body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.data.error.type, 'invalid_access_code');
      assert.deepEqual(r.data.error.data?.constraint_types, types);
    }
    const schema = await seam.post<Err>('/access_codes/create', { device_id: ids.nuki, code: '12a' });
    assert.equal(schema.data.error.type, 'invalid_input');
    const dup = await seam.post<Err>('/access_codes/create', {
      device_id: ids.nuki,
      code: '345678',
      name: 'Again',
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.data.error.type, 'duplicate_access_code');
    assert.ok(!dup.data.error.message.includes('345678'));
  });

  it('enforces max_active_codes_supported and generates codes that fit the device', async () => {
    const device = seam.emulator.state.devices.get(ids.schlage) as SeamDevice;
    device.properties.max_active_codes_supported = 2;
    for (const code of ['4711', '4712'])
      assert.equal((await seam.post('/access_codes/create', { device_id: ids.schlage, code })).status, 200);
    const full = await seam.post<Err>('/access_codes/create', { device_id: ids.schlage, code: '4713' });
    assert.equal(full.data.error.type, 'max_access_codes_reached');
    const gen = await seam.post<{ generated_code: { device_id: string; code: string } }>(
      '/access_codes/generate_code',
      { device_id: ids.nuki },
    );
    assert.match(gen.data.generated_code.code, /^[1-9]{6}$/);
    assert.ok(!gen.data.generated_code.code.startsWith('12'));
  });

  it('keeps time-bound codes unset until starts_at, and removes one-time codes after use', async () => {
    // The test moves the emulator's clock past starts_at itself: a start 60 ms ahead could pass before
    // the create request was handled on a loaded machine, and the code came back 'setting', not 'unset'.
    let skewMs = 0;
    await seam.emulator.close();
    seam = await startSeam({ now: () => Date.now() + skewMs });
    ids = seam.emulator.demo as typeof ids;
    const soon = new Date(Date.now() + 60_000).toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const tb = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/create', {
      device_id: ids.schlage,
      code: '5821',
      starts_at: soon,
      ends_at: later,
    });
    assert.equal(tb.data.access_code.status, 'unset');
    assert.equal(tb.data.access_code.type, 'time_bound');
    skewMs = 61_000;
    await eventually(async () => {
      const r = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/get', {
        access_code_id: tb.data.access_code.access_code_id,
      });
      return r.data.access_code.status === 'set';
    }, 'time-bound code set');
    const bad = await seam.post<Err>('/access_codes/create', {
      device_id: ids.schlage,
      code: '5822',
      starts_at: later,
      ends_at: soon,
    });
    assert.equal(bad.data.error.type, 'invalid_input');

    const once = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/create', {
      device_id: ids.schlage,
      code: '6931',
      is_one_time_use: true,
    });
    await eventually(
      () => seam.emulator.state.codes.get(once.data.access_code.access_code_id)?.code.status === 'set',
    );
    const entry = seam.emulator.simulateKeypadEntry(ids.schlage, '6931');
    assert.equal(entry.event_type, 'lock.unlocked');
    assert.equal(entry.method, 'keycode');
    await eventually(
      () => !seam.emulator.state.codes.has(once.data.access_code.access_code_id),
      'one-time code gone',
    );
    assert.equal(seam.emulator.simulateKeypadEntry(ids.schlage, '6931').event_type, 'lock.access_denied');
  });

  it('updates and deletes codes through action attempts (removing, then gone)', async () => {
    const created = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/create', {
      device_id: ids.schlage,
      code: '7342',
      name: 'Guest',
    });
    const id = created.data.access_code.access_code_id;
    const upd = await seam.post<{ action_attempt: SeamActionAttempt }>('/access_codes/update', {
      access_code_id: id,
      name: 'Renamed',
      code: '7343',
    });
    assert.equal(upd.data.action_attempt.action_type, 'UPDATE_ACCESS_CODE');
    const got = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/get', { access_code_id: id });
    assert.equal(got.data.access_code.name, 'Renamed');
    assert.equal(got.data.access_code.code, '7343');
    seam.emulator.state.timings.codeRemoveMs = 10_000;
    const del = await seam.post<{ action_attempt: SeamActionAttempt }>('/access_codes/delete', {
      access_code_id: id,
    });
    assert.equal(del.data.action_attempt.action_type, 'DELETE_ACCESS_CODE');
    const removing = await seam.post<{ access_code: SeamAccessCode }>('/access_codes/get', {
      access_code_id: id,
    });
    assert.equal(removing.data.access_code.status, 'removing');
    (seam.emulator.state.codes.get(id) as { removeAt?: number }).removeAt = 0;
    const done = await eventually(async () => {
      const r = await seam.post<{ action_attempt: SeamActionAttempt }>('/action_attempts/get', {
        action_attempt_id: del.data.action_attempt.action_attempt_id,
      });
      return r.data.action_attempt.status === 'success';
    });
    assert.ok(done);
    const gone = await seam.post<Err>('/access_codes/get', { access_code_id: id });
    assert.equal(gone.status, 404);
    const list = await seam.post<{ access_codes: SeamAccessCode[] }>('/access_codes/list', {
      device_id: ids.schlage,
    });
    assert.equal(list.data.access_codes.length, 0);
  });

  it('requires since or between on events/list', async () => {
    const r = await seam.post<Err>('/events/list', {});
    assert.equal(r.status, 400);
    assert.equal(r.data.error.type, 'invalid_input');
  });

  it('injects faults in Seam error shape', async () => {
    seam.emulator.faults.rateLimit(1, 2, { path: /^\/locks\/list$/ });
    const r = await seam.api.post('/locks/list', {});
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '2');
    assert.equal(r.data.error.type, 'rate_limited');
    assert.equal((await seam.api.post('/locks/list', {})).status, 200);
  });

  describe('webhooks', () => {
    let hook: Server;
    let hookUrl: string;
    const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    let failFirst = 0;
    beforeEach(async () => {
      received.length = 0;
      hook = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(failFirst-- > 0 ? 500 : 204).end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
      hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/seam`;
    });
    afterEach(() => new Promise<void>((r) => hook.close(() => r())));

    it('creates a webhook with a secret and delivers Svix-signed events, retrying failures with the same svix-id', async () => {
      failFirst = 1;
      const { data } = await seam.post<{
        webhook: { webhook_id: string; secret: string; event_types: string[] };
      }>('/webhooks/create', { url: hookUrl });
      assert.match(data.webhook.secret, /^whsec_/);
      assert.deepEqual(data.webhook.event_types, ['*']);
      seam.emulator.simulateManual(ids.nuki, false);
      // Our hook has the retry as soon as its body arrives, but the emulator records a delivery only once
      // it has read our answer: wait for both sides before reading either.
      await eventually(
        () => received.length >= 2 && seam.emulator.webhooks.deliveries.length >= 2,
        'delivery and retry',
      );
      const [first, second] = received;
      assert.equal(first.headers['svix-id'], second.headers['svix-id']);
      assert.equal(first.body, second.body);
      const event = JSON.parse(second.body) as SeamEvent;
      assert.equal(event.event_type, 'lock.unlocked');
      assert.equal(event.method, 'manual');
      const key = Buffer.from(data.webhook.secret.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key)
        .update(`${second.headers['svix-id']}.${second.headers['svix-timestamp']}.${second.body}`)
        .digest('base64');
      assert.equal(second.headers['svix-signature'], `v1,${expected}`);
      const statuses = seam.emulator.webhooks.deliveries.map((d) => d.status);
      assert.deepEqual(statuses.slice(0, 2), [500, 204]);
    });

    it('delivers only the event types a webhook asked for', async () => {
      await seam.post('/webhooks/create', { url: hookUrl, event_types: ['lock.locked'] });
      seam.emulator.simulateManual(ids.nuki, false);
      seam.emulator.simulateManual(ids.nuki, true);
      await eventually(() => received.length >= 1);
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(
        received.map((r) => (JSON.parse(r.body) as SeamEvent).event_type),
        ['lock.locked'],
      );
    });
  });
});
