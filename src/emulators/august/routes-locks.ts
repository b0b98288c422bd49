import { EmulatorHttpError } from '../kit/server';
import { AUGUST_ROUTES, LOCK_ID_PATTERN } from '../../vendors/august/paths';
import { lockFor } from './access';
import { ok, type EmuContext } from './context';

/** Houses, the lock list, lock detail, delete (soft), status and capabilities. */
export function registerLockRoutes(emu: EmuContext): void {
  const { state } = emu;

  emu.route('GET', AUGUST_ROUTES.myHouses, (req, ctx) => {
    const only = req.query.get('houseID');
    const houses = state.housesOf(ctx.user.userId).filter((h) => !only || h.HouseID === only);
    return ok(
      houses.map((h) => ({ HouseID: h.HouseID, HouseName: h.HouseName, type: h.type, imageInfo: {} })),
    );
  });

  emu.route('GET', AUGUST_ROUTES.house, (req, ctx) => {
    const house = state.houses.get(req.params.houseID);
    if (!house) throw new EmulatorHttpError(404, 'House not found');
    const locks = [...state.locks.values()].filter((l) => l.HouseID === house.HouseID);
    const users = new Set(locks.flatMap((l) => [...l.users.keys()]));
    if (!users.has(ctx.user.userId)) throw new EmulatorHttpError(403, 'Not a member of this house');
    return ok({ HouseName: house.HouseName, users: [...users], locks: locks.map((l) => l.LockID) });
  });

  emu.route('GET', AUGUST_ROUTES.myLocks, (_req, ctx) => {
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

  emu.route('GET', AUGUST_ROUTES.lockStatus, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user);
    return ok(state.statusBlock(lock));
  });

  emu.route('GET', AUGUST_ROUTES.lock, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user);
    return ok(state.lockDetail(lock, req.headers['accept-version'] ?? '0.0.1'));
  });

  // soft=1 keeps the lock and the caller and drops the other users and the PINs; soft=0 removes it.
  emu.route('DELETE', AUGUST_ROUTES.lock, (req, ctx) => {
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

  emu.route('GET', AUGUST_ROUTES.capabilities, (req, ctx) => {
    const deviceId = req.query.get('deviceID');
    const serialNumber = req.query.get('serialNumber');
    const deviceType = req.query.get('deviceType') ?? 'lock';
    if (!deviceId && !serialNumber) throw new EmulatorHttpError(400, 'deviceID or serialNumber is required');
    if (deviceType !== 'lock') throw new EmulatorHttpError(404, 'No capabilities for this device type');
    const lock = [...state.locks.values()].find(
      (l) => (deviceId && l.LockID === deviceId) || (serialNumber && l.SerialNumber === serialNumber),
    );
    if (!lock) throw new EmulatorHttpError(404, 'Device not found');
    if (deviceId && !LOCK_ID_PATTERN.test(deviceId)) throw new EmulatorHttpError(400, 'Invalid deviceID');
    lockFor(state, lock.LockID, ctx.user);
    return ok({
      lock: {
        hostHardwareLockInfo: { productID: lock.Type === 17 ? 1536 : 0, serialNumber: lock.SerialNumber },
        hostLock: { type: lock.Type, supportsUnlatch: lock.Type === 17 },
      },
      keypad: {
        supportsPinCodes: lock.keypad !== null,
        supportsKeyTags: false,
        supportsFingerprintCredential: false,
        pinLengthMin: lock.keypad?.pinLengthMin ?? 0,
        pinLengthMax: lock.keypad?.pinLengthMax ?? 0,
        usesSlots: true,
        isStandAlone: false,
      },
    });
  });
}
