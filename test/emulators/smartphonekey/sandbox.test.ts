import assert from 'node:assert/strict';
import { smartphoneKeySandbox } from '../../../src/emulators/smartphonekey';
import type { SmartphoneKeyAccountConfig } from '../../../src/config/types';
import { spkDriver } from '../../vendors/smartphonekey/helpers';

describe('SmartphoneKey sandbox', () => {
  it('serves named demo locks that a driver lists with the returned account', async () => {
    const sandbox = smartphoneKeySandbox();
    const { url, accounts } = await sandbox.start();
    try {
      const account = accounts[0] as SmartphoneKeyAccountConfig;
      assert.equal(account.baseUrl, url);
      const { driver } = spkDriver(url, account);
      await driver.start();
      const locks = await driver.listLocks();
      assert.deepEqual(
        locks.map((l) => [l.name, l.status.online]),
        [
          ['Front Door', true],
          ['Garden Gate', false],
          ['Shared Entrance', true],
        ],
      );
      assert.deepEqual(locks[2].capabilities, ['open', 'push']);
      await driver.stop();
    } finally {
      await sandbox.stop();
    }
  });
});
