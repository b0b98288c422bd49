import assert from 'node:assert/strict';
import { unlocSandbox } from '../../../src/emulators/unloc';
import type { UnlocAccountConfig } from '../../../src/config/types';
import { unlocDriver } from '../../vendors/unloc/helpers';

describe('Unloc sandbox', () => {
  it('serves named demo locks that a driver lists with the returned account', async () => {
    const sandbox = unlocSandbox();
    const { url, accounts } = await sandbox.start();
    try {
      assert.equal(accounts.length, 1);
      const account = accounts[0] as UnlocAccountConfig;
      assert.equal(account.baseUrl, url);
      const { driver } = unlocDriver(url, account);
      await driver.start();
      const names = (await driver.listLocks()).map((l) => l.name).sort();
      assert.deepEqual(names, ['Building Entrance', 'Front Door', 'Garage Door']);
      await driver.stop();
    } finally {
      await sandbox.stop();
    }
  });
});
