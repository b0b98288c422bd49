// Keeps matter.js off the host network's multicast: its mDNS socket (UDP 5353, joined to 224.0.0.251 and
// ff02::fb on every interface, or on the one in `mdns.networkInterface`) is replaced by one that opens
// nothing, sends nothing and never receives. Tests reach the Matter node by known address over loopback,
// which commissioning and operational sessions allow (reference B3: no mDNS was needed). Used by the
// Homebridge child (silent-mdns-preload.mjs, on its ESM copy of @matter/general) and by the test's
// controller (on the CommonJS copy it requires): each copy of the class is patched where it is loaded.
'use strict';

class SilentMulticast {
  constructor(options) {
    this.network = options.network;
    this.netInterface = options.netInterface;
  }
  get supportsIpv4() {
    return false;
  }
  onMessage() {}
  async send() {}
  async close() {}
}

/** Patches the UdpMulticastServer class of one loaded @matter/general; returns it. */
function silenceMdns(general) {
  const server = general && general.UdpMulticastServer;
  if (!server || typeof server.create !== 'function') {
    throw new Error(
      '@matter/general has no UdpMulticastServer.create: this matter.js is not supported by the test',
    );
  }
  server.create = async (options) => new SilentMulticast(options);
  server.lockbridgeSilenced = true;
  return server;
}

module.exports = { silenceMdns };
