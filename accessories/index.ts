import type { API } from 'homebridge';
import { PLATFORM_NAME } from './settings';
import { LockbridgePlatform } from './platform';

/**
 * The Homebridge initializer (package.json `main`). Registers the dynamic platform under the alias
 * `Lockbridge`; everything else happens in the platform once Homebridge has finished launching.
 */
function initialize(api: API): void {
  api.registerPlatform(PLATFORM_NAME, LockbridgePlatform);
}

export = initialize;
