import assert from 'node:assert/strict';
import { sandboxVendors } from '../../../src/emulators/sandbox';
import { vendorDrivers } from '../../../src/vendors/registry';
import type { SeamAccountConfig } from '../../../src/config/types';
import { validateConfig } from '../../../src/config/validate';
import { makeDriver } from '../../vendors/seam/helpers';

describe('seam sandbox', () => {
  it('is registered, starts the demo workspace and gives a config a driver can use', async () => {
    assert.ok(vendorDrivers.seam, 'driver registered');
    const factory = sandboxVendors.seam;
    assert.ok(factory, 'sandbox registered');
    const sandbox = factory();
    const { url, accounts } = await sandbox.start();
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(accounts.length, 1);
      const account = accounts[0] as SeamAccountConfig;
      assert.doesNotThrow(() => validateConfig({ accounts }));
      const h = makeDriver({ ...account, baseUrl: String(account.baseUrl) });
      await h.driver.start();
      try {
        const names = (await h.driver.listLocks()).map((l) => l.name).sort();
        assert.deepEqual(names, ['Back Door', 'Front Door', 'Garage Side Door', 'Lobby Entrance']);
      } finally {
        await h.driver.stop();
      }
    } finally {
      await sandbox.stop();
    }
  });
});
