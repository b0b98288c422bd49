import { EmulatorHttpError } from '../kit/server';
import { LOCK_ID, MAX_PINS, ROUTES } from './api';
import { lockFor } from './access';
import { ok, type EmuContext } from './context';

/** Houses, the lock list, lock detail, delete (soft), status and capabilities. */
export function registerLockRoutes(emu: EmuContext): void {
  const { state } = emu;

  emu.route('GET', ROUTES.myHouses, (req, ctx) => {
    const only = req.query.get('houseID');
    const houses = state.housesOf(ctx.user.userId).filter((h) => !only || h.HouseID === only);
    return ok(
      houses.map((h) => ({ HouseID: h.HouseID, HouseName: h.HouseName, type: h.type, imageInfo: {} })),
    );
  });

  emu.route('GET', ROUTES.house, (req, ctx) => {
    const house = state.houses.get(req.params.houseID);
    if (!house) throw new EmulatorHttpError(404, 'House not found');
    const locks = [...state.locks.values()].filter((l) => l.HouseID === house.HouseID);
    const users = new Set(locks.flatMap((l) => [...l.users.keys()]));
    if (!users.has(ctx.user.userId)) throw new EmulatorHttpError(403, 'Not a member of this house');
    return ok({ HouseName: house.HouseName, users: [...users], locks: locks.map((l) => l.LockID) });
  });

  // Y API_GET_USER_URL: Home Assistant reads UserID (manager/data.py) for the push channel uuid.
  emu.route('GET', ROUTES.me, (_req, ctx) => {
    const email = ctx.user.identifiers.find((i) => i.startsWith('email:'))?.slice(6);
    const phone = ctx.user.identifiers.find((i) => i.startsWith('phone:'))?.slice(6);
    return ok({
      UserID: ctx.user.userId,
      FirstName: ctx.user.firstName,
      LastName: ctx.user.lastName,
      ...(email ? { Email: email } : {}),
      ...(phone ? { PhoneNo: phone } : {}),
    });
  });

  emu.route('GET', ROUTES.myLocks, (_req, ctx) => {
    const out: Record<string, unknown> = {};
    for (const lock of state.locksOf(ctx.user.userId)) {
      out[lock.LockID] = {
        LockName: lock.LockName,
        UserType: lock.users.get(ctx.user.userId),
        macAddress: lock.macAddress,
        HouseID: lock.HouseID,
        HouseName: state.houses.get(lock.HouseID)?.HouseName ?? 'Home',
      };
    }
    return ok(out);
  });

  emu.route('GET', ROUTES.lockStatus, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user);
    return ok(state.statusBlock(lock));
  });

  emu.route('GET', ROUTES.lock, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user);
    return ok(state.lockDetail(lock, req.headers['accept-version'] ?? '0.0.1'));
  });

  // soft=1 keeps the lock and the caller and drops the other users and the PINs; soft=0 removes it.
  emu.route('DELETE', ROUTES.lock, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'superuser');
    const soft = req.query.get('soft') ?? '0';
    if (soft !== '0' && soft !== '1') throw new EmulatorHttpError(400, 'soft must be 0 or 1');
    if (soft === '1') {
      const role = lock.users.get(ctx.user.userId)!;
      lock.users = new Map([[ctx.user.userId, role]]);
      lock.pins = [];
      lock.reservations = [];
      lock.masterPin = undefined;
    } else {
      state.locks.delete(lock.LockID);
    }
    return ok();
  });

  // Y api_common.py sends ?serialNumber=<lock id>&topLevelHost=true (manager/data.py: "lock_id is the
  // serial_number for locks"); DOC also lists deviceType/deviceID. Unknown devices: 404 (Y data.py
  // treats 404 and 409 as "no capabilities for this device").
  emu.route('GET', ROUTES.capabilities, (req, ctx) => {
    const deviceId = req.query.get('deviceID');
    const serialNumber = req.query.get('serialNumber');
    const deviceType = req.query.get('deviceType') ?? 'lock';
    if (!deviceId && !serialNumber) throw new EmulatorHttpError(400, 'deviceID or serialNumber is required');
    if (deviceType !== 'lock') throw new EmulatorHttpError(404, 'No capabilities for this device type');
    if (deviceId && !LOCK_ID.test(deviceId)) throw new EmulatorHttpError(400, 'Invalid deviceID');
    const lock = [...state.locks.values()].find(
      (l) =>
        (deviceId && l.LockID === deviceId) ||
        (serialNumber && (l.SerialNumber === serialNumber || l.LockID === serialNumber)),
    );
    if (!lock) throw new EmulatorHttpError(404, 'Device not found');
    lockFor(state, lock.LockID, ctx.user);
    return ok({
      // Y capabilities.py LockCapabilities: what yalexs reads is `unlatch` (lock.py unlatch_supported)
      // and the PIN slot range; DOC: lock.hostHardwareLockInfo and lock.hostLock objects.
      lock: {
        hostHardwareLockInfo: { serialNumber: lock.SerialNumber },
        hostLock: {},
        unlatch: lock.unlatch,
        doorSense: lock.doorSense,
        bluetooth: true,
        integratedKeypad: false,
        entryCodeSlots: lock.keypad !== null,
        pinSlotMin: lock.keypad ? 1 : 0,
        pinSlotMax: lock.keypad ? MAX_PINS : 0,
        supportsSchedulePerUser: lock.Type >= 2,
      },
      // DOC capabilities answer: the keypad block with PIN lengths.
      ...(lock.keypad
        ? {
            keypad: {
              supportsPinCodes: true,
              supportsKeyTags: false,
              supportsFingerprintCredential: false,
              pinLengthMin: lock.keypad.pinLengthMin,
              pinLengthMax: lock.keypad.pinLengthMax,
              usesSlots: true,
              isStandAlone: false,
            },
          }
        : {}),
    });
  });
}
