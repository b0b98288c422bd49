import type { AugustEmulator } from './server';
import type { EmuLock, EmuUser } from './state';

/**
 * The demo household: one account whose install is already validated (no prompt), a second one that
 * must pass two-factor with a fixed code, and the five kinds of lock the driver must handle.
 */
export const DEMO_ACCOUNT = { email: 'demo@lockbridge.test', password: 'lockbridge-demo' } as const;

/** Try the two-factor flow: log in with these, then submit DEMO_TWO_FACTOR.code. */
export const DEMO_TWO_FACTOR = {
  email: 'twofactor@lockbridge.test',
  password: 'lockbridge-2fa',
  code: '123456',
} as const;

export interface DemoHousehold {
  owner: EmuUser;
  twoFactorUser: EmuUser;
  guest: EmuUser;
  frontDoor: EmuLock;
  backDoor: EmuLock;
  apartment: EmuLock;
  garage: EmuLock;
  shed: EmuLock;
}

export function seedDemoHousehold(
  emu: AugustEmulator,
  branding: 'august' | 'yale' = 'august',
): DemoHousehold {
  const owner = emu.seedUser({
    ...DEMO_ACCOUNT,
    firstName: 'Alex',
    lastName: 'Demo',
    branding,
    phone: '+15550100100',
  });
  const twoFactorUser = emu.seedUser({
    email: DEMO_TWO_FACTOR.email,
    password: DEMO_TWO_FACTOR.password,
    twoFactorCode: DEMO_TWO_FACTOR.code,
    firstName: 'Sam',
    lastName: 'Secure',
    branding,
  });
  const guest = emu.seedUser({
    email: 'guest@lockbridge.test',
    password: 'guest-pass',
    firstName: 'Gale',
    lastName: 'Guest',
    branding,
  });
  const both = {
    [owner.userId]: 'superuser',
    [twoFactorUser.userId]: 'superuser',
    [guest.userId]: 'user',
  } as const;
  const houseId = '7a1c4e2b-0f3d-4c55-9a8e-1b2c3d4e5f60';
  // Fixed lock ids: the sandbox's locks keep their ids (and so their HomeKit accessories) across runs.
  // DoorSense, keypad with schedules: the lock most people have.
  const frontDoor = emu.seedLock({
    id: 'A1F0000000000000000000000000F001',
    name: 'Front Door',
    houseId,
    houseName: 'Home',
    doorSense: true,
    keypad: true,
    users: both,
  });
  // A Type 1 lock: keypad, "always" PINs only.
  const backDoor = emu.seedLock({
    id: 'A1F0000000000000000000000000B002',
    name: 'Back Door',
    houseId,
    type: 1,
    keypad: { pinLengthMin: 4, pinLengthMax: 8 },
    users: both,
  });
  // A Type 17 lock that can unlatch.
  const apartment = emu.seedLock({
    id: 'A1F0000000000000000000000000A017',
    name: 'Apartment',
    houseId,
    type: 17,
    doorSense: true,
    battery: 0.61,
    users: both,
  });
  const garage = emu.seedLock({
    id: 'A1F0000000000000000000000000C004',
    name: 'Garage Door',
    houseId,
    bridge: 'offline',
    battery: 0.15,
    users: both,
  });
  const shed = emu.seedLock({
    id: 'A1F0000000000000000000000000D005',
    name: 'Shed',
    houseId,
    jammed: true,
    state: 'unlocked',
    users: both,
  });
  return { owner, twoFactorUser, guest, frontDoor, backDoor, apartment, garage, shed };
}
