// Preloaded into the Homebridge child process with `node -r`: replaces HAP's mDNS advertisers with a
// no-op, so tests never announce anything on the host network (pairing over 127.0.0.1 needs no mDNS).
// LOCKBRIDGE_TEST_ADVERTISER is the path of the Advertiser.js of the hap-nodejs Homebridge will load.
'use strict';
const { EventEmitter } = require('node:events');

class NoopAdvertiser extends EventEmitter {
  initPort() {}
  startAdvertising() {
    return Promise.resolve();
  }
  updateAdvertisement() {}
  destroy() {
    return Promise.resolve();
  }
}

const target = process.env.LOCKBRIDGE_TEST_ADVERTISER;
if (!target) throw new Error('LOCKBRIDGE_TEST_ADVERTISER is not set');
const advertiser = require(target);
for (const name of ['CiaoAdvertiser', 'BonjourHAPAdvertiser', 'AvahiAdvertiser', 'ResolvedAdvertiser']) {
  if (name in advertiser) advertiser[name] = NoopAdvertiser;
}
