import assert from 'node:assert/strict';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import { Redactor } from '../../src/core/redact';
import { RequestBudget } from '../../src/http/budget';
import { systemClock } from '../../src/core/clock';
import { AugustEmulator } from '../../src/emulators/august/server';
import { DEMO_ACCOUNT, seedDemoHousehold } from '../../src/emulators/august';
import { createAugustDriver, type AugustDriver } from '../../src/vendors/august';
import { createCodeService, type PinCodeService } from '../../src/pins/service';
import { depsForDriver, type DriverDeps } from './driver-deps';

const FAST = { pollInitialMs: 5, pollMaxMs: 20, followUpPollMs: 20, resumeRetryMs: 5 };

describe('pins/code service against the August driver and emulator', () => {
  let emu: AugustEmulator;
  let driver: AugustDriver;
  let d: DriverDeps;
  let service: PinCodeService;

  beforeEach(async () => {
    emu = new AugustEmulator({ opDelayMs: 5, pinDelayMs: 10, unlatchHoldMs: 10 });
    seedDemoHousehold(emu);
    const url = await emu.start();
    driver = createAugustDriver(
      {
        vendor: 'august',
        id: 'august-test',
        brand: 'august',
        baseUrl: url,
        identifier: `email:${DEMO_ACCOUNT.email}`,
        password: DEMO_ACCOUNT.password,
        apiKey: emu.apiKey,
        installId: 'pins-test',
      },
      {
        logger: new RedactingLogger(new MemorySink()),
        storage: new MemoryStorage(),
        redactor: new Redactor(),
        budget: new RequestBudget({ capacity: 1000, refillPerSecond: 1000 }),
        clock: systemClock,
      },
      { pinPollMs: 5, pinWaitMs: 2_000, busyRetryDelayMs: 5 },
    );
    await driver.start();
    d = await depsForDriver(driver);
    service = createCodeService(d.deps, FAST);
    await service.start();
  });
  afterEach(async () => {
    await service.stop();
    d.close();
    await driver.stop();
    await emu.close();
  });

  const lockNamed = (name: string) => {
    const lock = d.locks.find((l) => l.name === name);
    assert.ok(lock?.codeRules, name);
    return lock;
  };

  it('loads a PIN on the Front Door and confirms it, then deletes it', async () => {
    const front = lockNamed('Front Door');
    const r = await service.create(front.id, { name: 'Dog Walker', code: '48319' });
    assert.equal(r.outcome, 'confirmed', JSON.stringify(r.error));
    assert.equal(r.code.status, 'set');
    const gone = await service.delete(front.id, r.code.id);
    assert.equal(gone.outcome, 'confirmed');
    assert.ok(!(await service.list(front.id)).some((c) => c.id === r.code.id));
  });

  it('refuses a schedule on the Type 1 Back Door before calling August', async () => {
    const back = lockNamed('Back Door');
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    const before = emu.server.requests.length;
    const err = await service
      .create(back.id, { name: 'Guest', code: '48a', schedule: { kind: 'time_bound', start, end } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof LockbridgeError && err.code === 'invalid_code');
    assert.deepEqual(err.reasons.map((r) => r.code).sort(), [
      'not_numeric',
      'schedule_not_supported',
      'wrong_length',
    ]);
    // Only the read of the existing PINs reached August; no PIN command.
    assert.ok(emu.server.requests.slice(before).every((r) => r.method === 'GET'));
  });
});
