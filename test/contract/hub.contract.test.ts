import { describeLockSourceContract } from './lock-source.contract';
import { startHubFixture } from '../support/hub-fixture';
import { createCodeService } from '../../src/pins';

describeLockSourceContract('LockHub (in-process)', async () => {
  const f = await startHubFixture({ codeService: (deps) => createCodeService(deps) });
  return { source: f.hub, emulator: f.emulator, codes: true, teardown: () => f.stop() };
});
