import { describeLockSourceContract } from './lock-source.contract';
import { startHubFixture } from '../support/hub-fixture';

describeLockSourceContract('LockHub (in-process)', async () => {
  const f = await startHubFixture();
  return { source: f.hub, emulator: f.emulator, codes: false, teardown: () => f.stop() };
});
