import assert from 'node:assert/strict';
import net from 'node:net';
import { Aedes } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { startMqttBridge, type MqttBridge } from '../../src/mqtt';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { TcpProxy } from './tcp-proxy';
import { TestClient, isRecord, tryJson } from './support';

const FRONT = 'testvendor_front';
const BACK = 'testvendor_back';
const GARAGE = 'testvendor_garage';

interface Broker {
  aedes: Aedes;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** A real aedes broker on 127.0.0.1; `persistence` shared between two of them is a broker that restarted with its store. */
async function startAedes(persistence?: unknown): Promise<Broker> {
  const aedes = await Aedes.createBroker(persistence ? { persistence } : {});
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    aedes,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Resolves when the broker has seen the client with this id go away. */
function disconnected(broker: Aedes, clientId: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (client: { id: string }) => {
      if (client.id !== clientId) return;
      broker.off('clientDisconnect', on);
      resolve();
    };
    broker.on('clientDisconnect', on);
  });
}

const answerOf = (client: TestClient, transaction: string) =>
  client
    .waitFor(
      'lockbridge/bridge/response/command',
      (j) => isRecord(j) && j.transaction === transaction,
      15_000,
    )
    .then((m) => tryJson(m.payload) as { status: string; error?: { code: string; message: string } });

describe('mqtt bridge: a persistent session, so no command vanishes while it starts or reconnects', function () {
  this.timeout(30_000);
  let hub: HubFixture;
  const cleanup: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    hub = await startHubFixture();
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await hub.stop();
  });

  const bridgeOn = async (url: string, clientId?: string): Promise<MqttBridge> => {
    const bridge = await startMqttBridge({
      source: hub.hub,
      config: { url, ...(clientId ? { clientId } : {}), homeAssistant: { enabled: false } },
      logger: new RedactingLogger(new MemorySink()),
      reconnectPeriodMs: 100,
    });
    cleanup.push(() => bridge.stop());
    return bridge;
  };

  it('subscribes before it publishes: a command sent on the first state seen is answered', async () => {
    const broker = await startAedes();
    cleanup.push(() => broker.stop());
    const c = await TestClient.connect(broker.url);
    cleanup.push(() => c.end());
    await c.subscribe(['lockbridge/bridge/response/command', `lockbridge/${FRONT}/state`]);
    let sent = false;
    c.client.on('message', (topic) => {
      if (topic !== `lockbridge/${FRONT}/state` || sent) return;
      sent = true;
      c.client.publish(
        `lockbridge/${FRONT}/set`,
        JSON.stringify({ command: 'UNLOCK', transaction: 'first' }),
        {
          qos: 1,
        },
      );
    });
    const answered = answerOf(c, 'first');
    await bridgeOn(broker.url);
    assert.equal((await answered).status, 'ok');
  });

  it('holds commands while the broker restarts, answers them after, and still refuses a stale one', async () => {
    const persistence = aedesPersistence();
    let broker = await startAedes(persistence);
    cleanup.push(() => broker.stop());
    const proxy = new TcpProxy(broker.port);
    const proxied = await proxy.start();
    cleanup.push(() => proxy.stop());
    await bridgeOn(proxied, 'lockbridge_session_test');

    // The bridge loses its broker, which restarts with its store; commands come in meanwhile.
    const gone = disconnected(broker.aedes, 'lockbridge_session_test');
    proxy.cut();
    await gone;
    await broker.stop();
    broker = await startAedes(persistence);
    const c = await TestClient.connect(broker.url);
    cleanup.push(() => c.end());
    await c.subscribe('lockbridge/bridge/response/command');
    const answers = ['held-fresh', 'held-untimed', 'held-stale'].map((t) => answerOf(c, t));
    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'held-fresh', sent_at: Date.now() }),
    );
    await c.publish(
      `lockbridge/${BACK}/set`,
      JSON.stringify({ command: 'LOCK', transaction: 'held-untimed' }),
    );
    await c.publish(
      `lockbridge/${GARAGE}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'held-stale', sent_at: Date.now() - 120_000 }),
    );
    assert.equal(hub.emulator.commands.length, 0, 'nothing ran while the bridge was away');

    proxy.resume(broker.port);
    const [fresh, untimed, stale] = await Promise.all(answers);
    assert.equal(fresh.status, 'ok', JSON.stringify(fresh));
    assert.equal(untimed.status, 'ok', JSON.stringify(untimed));
    assert.equal(stale.status, 'error');
    assert.equal(stale.error?.code, 'expired');
    assert.deepEqual(hub.emulator.commands.map((x) => `${x.lockId}:${x.command}`).sort(), [
      'back:lock',
      'front:unlock',
    ]);
  });

  it('answers commands held from before it started: one with a time runs, one without is refused', async () => {
    const broker = await startAedes();
    cleanup.push(() => broker.stop());
    const first = await bridgeOn(broker.url, 'lockbridge_restart_test');
    await first.stop();

    const c = await TestClient.connect(broker.url);
    cleanup.push(() => c.end());
    await c.subscribe('lockbridge/bridge/response/command');
    const untimed = answerOf(c, 'old-untimed');
    const timed = answerOf(c, 'old-timed');
    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'old-untimed' }),
    );
    await c.publish(
      `lockbridge/${BACK}/set`,
      JSON.stringify({ command: 'LOCK', transaction: 'old-timed', expires_at: Date.now() + 30_000 }),
    );

    await c.subscribe('lockbridge/bridge/response/#');
    const codeAnswer = c
      .waitFor(
        'lockbridge/bridge/response/codes/create',
        (j) => isRecord(j) && j.transaction === 'old-code',
        15_000,
      )
      .then((m) => tryJson(m.payload) as { status: string; error?: { code: string } });
    const readAnswer = c
      .waitFor('lockbridge/bridge/response/locks', (j) => isRecord(j) && j.transaction === 'old-read', 15_000)
      .then((m) => tryJson(m.payload) as { status: string });
    await c.publish(
      'lockbridge/bridge/request/codes/create',
      JSON.stringify({ lock: FRONT, name: 'Late guest', code: '4826', transaction: 'old-code' }),
    );
    await c.publish('lockbridge/bridge/request/locks', JSON.stringify({ transaction: 'old-read' }));

    await bridgeOn(broker.url, 'lockbridge_restart_test');
    // A request that changes something is refused like an untimed command; a read is answered.
    assert.equal((await codeAnswer).error?.code, 'expired');
    assert.equal((await readAnswer).status, 'ok');
    const refused = await untimed;
    assert.equal(refused.error?.code, 'expired');
    assert.match(refused.error?.message ?? '', /age is unknown/);
    assert.equal((await timed).status, 'ok');
    assert.deepEqual(
      hub.emulator.commands.map((x) => `${x.lockId}:${x.command}`),
      ['back:lock'],
    );
  });
});
