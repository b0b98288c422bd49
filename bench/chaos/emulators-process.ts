/**
 * Process 1 of `npm run chaos`: the August, Seam, SmartphoneKey and Unloc emulators, each on 127.0.0.1
 * port 0 with the chaos household (bench/chaos/household.ts), in a process of their own so a daemon
 * that stalls or dies cannot stall them. Prints one JSON line on stdout when ready (URLs and the
 * account configs that reach them); answers the runner's questions over the IPC channel: the arrivals
 * at each lock's actuation route and the actuations themselves, with their times, and the physical
 * world (a lock going offline, a hand on the thumb turn). Faults go through POST /_emulator/faults.
 */
import { createServer } from 'node:net';
import { AugustEmulator } from '../../src/emulators/august';
import { SeamEmulator, SEAM_EMULATOR_API_KEY } from '../../src/emulators/seam';
import { SmartphoneKeyEmulator } from '../../src/emulators/smartphonekey';
import { unlocSandbox } from '../../src/emulators/unloc';
import type { EmulatorServer } from '../../src/emulators/kit';
import {
  LOCK_COUNTS,
  TIMINGS,
  mqttLockId,
  vendorLockId,
  type Actuation,
  type Arrival,
  type ChaosAccount,
  type ChaosVendor,
  type ControlEnvelope,
  type ControlRequest,
  type EmulatorsReady,
  type LockCounts,
} from './household';

const RECORD_LIMIT = 2_000_000;
const AUGUST_USER = { email: 'chaos@lockbridge.test', password: 'chaos-pass' };
const SPK = {
  apiKey: 'spk-chaos-api-key',
  orgId: 'org-chaos',
  userId: '6f1c2a4e-0000-4000-8000-0000000c4a05',
};
const SPK_WEBHOOK_BEARER = 'spk-chaos-webhook-bearer';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const actuations: Actuation[] = [];
/** The pool size comes as JSON in argv[2] (the runner's choice), else the full chaos household. */
const COUNTS: LockCounts = process.argv[2] ? (JSON.parse(process.argv[2]) as LockCounts) : LOCK_COUNTS;

function startAugust(): AugustEmulator {
  const emu = new AugustEmulator({ opDelayMs: TIMINGS.augustOpMs, unlatchHoldMs: 1000 });
  const owner = emu.seedUser({ ...AUGUST_USER, firstName: 'Chaos', lastName: 'Monkey' });
  for (let i = 0; i < COUNTS.august; i++)
    emu.seedLock({
      id: vendorLockId('august', i),
      name: `Chaos August ${i}`,
      type: 17,
      doorSense: true,
      keypad: true,
      state: 'locked',
      users: { [owner.userId]: 'superuser' },
    });
  // The bridge starts to move the bolt when it pushes a moving state (kAugLockState_Unlocking ...).
  const push = emu.live.push.bind(emu.live);
  emu.live.push = (lock, payload) => {
    const status = typeof payload.status === 'string' ? payload.status : '';
    if (payload.remoteEvent === 1 && /^kAugLockState_(Locking|Unlocking|Unlatching)$/.test(status))
      actuations.push({ lock: mqttLockId('august', lock.LockID), action: status.slice(14), at: Date.now() });
    push(lock, payload);
  };
  return emu;
}

function startSeam(): SeamEmulator {
  const emu = new SeamEmulator({
    timings: {
      actionMs: TIMINGS.seamActionMs,
      codeSetMs: TIMINGS.seamCodeSetMs,
      codeRemoveMs: 500,
      sweepMs: 50,
    },
  });
  for (let i = 0; i < COUNTS.seam; i++)
    emu.state.addDevice({
      device_id: vendorLockId('seam', i),
      device_type: 'schlage_lock',
      name: `Chaos Seam ${i}`,
      properties: {
        manufacturer: 'schlage',
        supported_code_lengths: [4, 5, 6, 7, 8],
        max_active_codes_supported: 100,
        code_constraints: [],
      },
    });
  // A remote lock/unlock lands when its action attempt succeeds; it started actionMs before.
  const setLocked = emu.state.setLocked.bind(emu.state);
  emu.state.setLocked = (deviceId, locked, method, extra) => {
    if (method === 'seamapi')
      actuations.push({
        lock: mqttLockId('seam', deviceId),
        action: locked ? 'Locking' : 'Unlocking',
        at: Date.now() - TIMINGS.seamActionMs,
      });
    return setLocked(deviceId, locked, method, extra);
  };
  return emu;
}

function startSmartphoneKey(): SmartphoneKeyEmulator {
  const locks = Array.from({ length: COUNTS.smartphonekey }, (_, i) => ({
    id: Number(vendorLockId('smartphonekey', i)),
    name: `Chaos SPK ${i}`,
    ownerId: SPK.userId,
    orgId: SPK.orgId,
  }));
  return new SmartphoneKeyEmulator({
    shadowReportDelayMs: TIMINGS.spkShadowReportMs,
    relockDelayMs: TIMINGS.spkRelockMs,
    seed: { apiKeys: { [SPK.apiKey]: SPK.orgId }, locks },
  });
}

/** SmartphoneKey's device opens are counted from its public `opens` counter (sampled every 10 ms). */
function watchSpkOpens(emu: SmartphoneKeyEmulator): NodeJS.Timeout {
  const seen = new Map<number, number>();
  return setInterval(() => {
    for (const lock of emu.state.locks.values()) {
      const before = seen.get(lock.id) ?? 0;
      for (let n = before; n < lock.opens; n++)
        actuations.push({
          lock: mqttLockId('smartphonekey', String(lock.id)),
          action: 'Opening',
          at: Date.now() - TIMINGS.spkShadowReportMs,
        });
      seen.set(lock.id, lock.opens);
    }
  }, 10);
}

/** The lock an arrival is for, when it is a request to actuate one. */
function actuationLock(vendor: ChaosVendor, method: string, path: string, body: unknown): string | undefined {
  if (vendor === 'august') {
    const m = /^\/remoteoperate\/([^/]+)\/(lock|unlock|unlatch)$/.exec(path);
    return method === 'PUT' && m ? mqttLockId('august', decodeURIComponent(m[1])) : undefined;
  }
  if (vendor === 'seam') {
    if (method !== 'POST' || !/^\/locks\/(lock_door|unlock_door)$/.test(path)) return undefined;
    const id = (body as { device_id?: unknown } | undefined)?.device_id;
    return typeof id === 'string' ? mqttLockId('seam', id) : undefined;
  }
  const m = /^\/locks\/([^/]+)\/OpenLock$/.exec(path);
  return method === 'POST' && m ? mqttLockId('smartphonekey', decodeURIComponent(m[1])) : undefined;
}

async function main(): Promise<void> {
  const august = startAugust();
  const seam = startSeam();
  const spk = startSmartphoneKey();
  const unloc = unlocSandbox();
  const servers: Record<ChaosVendor, EmulatorServer> = {
    august: august.server,
    seam: seam.server,
    smartphonekey: spk.server,
  };
  for (const s of Object.values(servers)) s.recordLimit = RECORD_LIMIT;

  const augustUrl = await august.start();
  const seamUrl = await seam.listen();
  const spkUrl = await spk.start();
  const spkHookPort = await freePort();
  spk.setWebhook(`http://127.0.0.1:${spkHookPort}/smartphonekey/events`, { bearer: SPK_WEBHOOK_BEARER });
  const unlocStarted = await unloc.start();
  const spkWatch = watchSpkOpens(spk);

  const accounts: ChaosAccount[] = [
    {
      vendor: 'august',
      id: 'chaos-august',
      brand: 'august',
      baseUrl: augustUrl,
      identifier: `email:${AUGUST_USER.email}`,
      password: AUGUST_USER.password,
      apiKey: august.apiKey,
      installId: 'lockbridge-chaos-install',
      liveUpdates: true,
      // August has no bulk read: one GET per lock per poll. The default budget (5/s) would spend the
      // whole poll interval on 48 locks; this one leaves room for commands, as a small household has.
      budget: { capacity: 40, refillPerSecond: 20 },
    },
    {
      vendor: 'seam',
      id: 'chaos-seam',
      apiKey: SEAM_EMULATOR_API_KEY,
      baseUrl: seamUrl,
      eventPollSeconds: 2,
    },
    {
      vendor: 'smartphonekey',
      id: 'chaos-spk',
      baseUrl: spkUrl,
      apiKey: SPK.apiKey,
      userId: SPK.userId,
      webhook: { listenHost: '127.0.0.1', listenPort: spkHookPort, bearer: SPK_WEBHOOK_BEARER },
    },
    ...(unlocStarted.accounts as unknown as ChaosAccount[]).map((a) => ({ ...a, id: 'chaos-unloc' })),
  ];

  const answer = (request: ControlRequest): unknown => {
    switch (request.op) {
      case 'arrivals': {
        const out: Arrival[] = [];
        for (const [vendor, server] of Object.entries(servers) as Array<[ChaosVendor, EmulatorServer]>)
          for (const r of server.requests) {
            if (r.at < request.since) continue;
            const lock = actuationLock(vendor, r.method, r.path, r.body);
            if (lock) out.push({ lock, method: r.method, path: r.path, at: r.at, status: r.status });
          }
        return out.sort((a, b) => a.at - b.at);
      }
      case 'actuations':
        return actuations.filter((a) => a.at >= request.since);
      case 'requestCount': {
        const server = request.vendor === 'unloc' ? undefined : servers[request.vendor];
        return server ? server.requests.filter((r) => r.at >= request.since).length : 0;
      }
      case 'online': {
        const [vendor, id] = splitLock(request.lock);
        if (vendor === 'august') august.setBridgeOnline(id, request.online);
        else if (vendor === 'seam') seam.state.setOnline(id, request.online);
        else spk.setOnline(Number(id), request.online);
        return true;
      }
      case 'manual': {
        const [vendor, id] = splitLock(request.lock);
        if (vendor === 'august') august.simulateManual(id, request.locked ? 'lock' : 'unlock');
        else if (vendor === 'seam') seam.state.setLocked(id, request.locked, 'manual');
        else throw new Error('SmartphoneKey locks have no thumb turn');
        return true;
      }
      case 'truth': {
        const [vendor, id] = splitLock(request.lock);
        if (vendor === 'august') return august.lock(id).bolt === 'locked' ? 'LOCKED' : 'UNLOCKED';
        if (vendor === 'seam') return seam.state.mustDevice(id).properties.locked ? 'LOCKED' : 'UNLOCKED';
        return null;
      }
      case 'shadowFail':
        spk.failShadowUpdates(request.count, { afterApply: request.afterApply });
        return true;
      case 'codes': {
        const counts: Record<string, number> = {};
        for (const lock of request.locks) counts[lock] = 0;
        for (const record of seam.state.codes.values()) {
          const lock = mqttLockId('seam', record.code.device_id);
          if (lock in counts && record.code.name === request.name && record.code.status !== 'removing')
            counts[lock] += 1;
        }
        for (const lock of august.state.locks.values()) {
          const id = mqttLockId('august', lock.LockID);
          if (id in counts)
            counts[id] += lock.pins.filter(
              (p) => p.pin === request.code && !p.state.startsWith('delet'),
            ).length;
        }
        return counts;
      }
    }
  };

  process.on('message', (message: ControlEnvelope) => {
    try {
      process.send?.({ id: message.id, ok: true, result: answer(message.request) });
    } catch (err) {
      process.send?.({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });

  const stop = async () => {
    clearInterval(spkWatch);
    await Promise.allSettled([august.close(), seam.close(), spk.close(), unloc.stop()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());

  const ready: EmulatorsReady = {
    urls: { august: augustUrl, seam: seamUrl, smartphonekey: spkUrl, unloc: unlocStarted.url },
    accounts,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

function splitLock(lock: string): [ChaosVendor, string] {
  const at = lock.indexOf('_');
  return [lock.slice(0, at) as ChaosVendor, lock.slice(at + 1)];
}

main().catch((err: unknown) => {
  process.stderr.write(
    `chaos emulators: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
