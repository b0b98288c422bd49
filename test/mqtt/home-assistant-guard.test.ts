import assert from 'node:assert/strict';
import { bridgeDiscovery, lockDiscovery, type DiscoveryOptions } from '../../src/mqtt/ha-discovery';
import { Topics } from '../../src/mqtt/topics';
import { ManualTimers, TestClient, eventually, startBridgeFixture, type BridgeFixture } from './support';

describe('mqtt bridge: Home Assistant discovery cannot be planted or flooded', function () {
  this.timeout(20_000);
  let f: BridgeFixture;
  const timers = new ManualTimers();
  before(async () => {
    f = await startBridgeFixture({}, { timers });
  });
  after(() => f.stop());

  it('refuses a retained (or any) discovery config from a client, under any node id', async () => {
    const guest = await TestClient.connect(f.bridge.brokerUrl);
    guest.client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => guest.client.once('close', () => resolve()));
    // Another node id, reusing the bridge's device identifier: Home Assistant would merge it in.
    guest.client.publish(
      'homeassistant/lock/evil/lockbridge_testvendor_front_lock/config',
      JSON.stringify({
        unique_id: 'evil',
        command_topic: 'evil/set',
        device: { identifiers: ['lockbridge_testvendor_front'] },
      }),
      { qos: 0, retain: true },
    );
    await closed;
    await guest.end();
    await eventually(() => f.logs.text().includes('Refused a publish on homeassistant/lock/evil/'));

    // Nothing was kept: a new subscriber gets no retained config (retained messages arrive on
    // subscribe, before the marker published after it).
    const ha = await TestClient.connect(f.bridge.brokerUrl);
    await ha.subscribe(['homeassistant/lock/evil/#', 'marker/x']);
    await ha.publish('marker/x', 'after');
    await ha.waitFor('marker/x');
    assert.deepEqual(
      ha.received.filter((m) => m.topic.startsWith('homeassistant/')).map((m) => m.topic),
      [],
    );
    await ha.end();
  });

  it('answers a flood of 20 birth messages with one discovery resend', async () => {
    const ha = await TestClient.connect(f.bridge.brokerUrl);
    await ha.subscribe('homeassistant/+/lockbridge/#');
    // Discovery is retained: what arrives on subscribe is cleared below, after a round trip.
    // The start's own discovery went out on the bridge's connection before this response did.
    assert.equal((await ha.request('locks')).status, 'ok');
    ha.received.length = 0;
    const birthsBefore = f.logs.lines.filter((l) => l.message.includes('birth message')).length;

    for (let i = 0; i < 20; i++) await ha.publish('homeassistant/status', 'online');
    await eventually(
      () => f.logs.lines.filter((l) => l.message.includes('birth message')).length === birthsBefore + 20,
    );
    assert.equal(timers.pending.size, 1, 'one resend is scheduled, however many births came');
    assert.equal(ha.received.filter((m) => m.topic.startsWith('homeassistant/')).length, 0);

    timers.fireAll();
    const options: DiscoveryOptions = {
      topics: new Topics('lockbridge'),
      prefix: 'homeassistant',
      nodeId: 'lockbridge',
      version: '1.2.3',
      form: 'device',
    };
    const expected = [
      ...bridgeDiscovery(
        f.hub.hub.accounts().map((a) => a.account),
        options,
      ).messages,
      ...(await f.hub.hub.listLocks()).flatMap((lock) => lockDiscovery({ lock, name: lock.name }, options)),
    ]
      .map((m) => m.topic)
      .sort();
    await eventually(() => ha.received.length >= expected.length);
    // A round trip on the same connection: anything else the resend sent would be here by now.
    assert.equal((await ha.request('locks')).status, 'ok');
    const seen = ha.received.filter((m) => m.topic.startsWith('homeassistant/')).map((m) => m.topic);
    assert.deepEqual(seen.sort(), expected, "each lock's discovery once");
    assert.equal(timers.pending.size, 0);
    assert.match(f.logs.text(), /Home Assistant is online \(20 birth messages\); sending discovery/);
    await ha.end();
  });
});
