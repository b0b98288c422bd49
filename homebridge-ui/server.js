// The server side of the custom settings UI (homebridge-config-ui-x starts it as a child process).
// It only relays the two-factor step: the logic lives in the compiled platform
// (dist/accessories/two-factor/ui-handlers.js), which talks to the running platform through files in
// <storagePath>/lockbridge. @homebridge/plugin-ui-utils is ESM, hence the dynamic import.
'use strict';
const path = require('node:path');

(async () => {
  const { HomebridgePluginUiServer, RequestError } = await import('@homebridge/plugin-ui-utils');
  const { createTwoFactorUi } = require(
    path.join(__dirname, '..', 'dist', 'accessories', 'two-factor', 'ui-handlers.js'),
  );

  class LockbridgeUiServer extends HomebridgePluginUiServer {
    constructor() {
      super();
      const ui = createTwoFactorUi(this.homebridgeStoragePath);
      // Errors go back to the page as a code and a message we wrote: never a code or a password.
      const relay = (fn) => async (body) => {
        try {
          return await fn(body);
        } catch (err) {
          throw new RequestError(err && err.message ? err.message : 'Failed', { code: err && err.code });
        }
      };
      this.onRequest(
        '/status',
        relay(() => ui.status()),
      );
      this.onRequest(
        '/two-factor/submit',
        relay((body) => ui.submit(body)),
      );
      this.onRequest(
        '/two-factor/resend',
        relay((body) => ui.resend(body)),
      );
      this.ready();
    }
  }

  return new LockbridgeUiServer();
})().catch((err) => {
  console.error(`Lockbridge settings UI failed to start: ${err && err.message}`);
  process.exitCode = 1;
});
