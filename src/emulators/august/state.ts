/**
 * The emulated August/Yale cloud: users and their installs, houses, locks (bridge, keypad, DoorSense,
 * users, PINs, reservations, master PIN) and websocket subscribers. Routes read and change it; tests
 * and the sandbox seed it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { PinAccessType, PinGroup, UserType } from './api';
import type { EmuActivity } from './activity';

export type Branding = 'august' | 'yale';

export interface EmuUser {
  userId: string;
  /** "email:me@example.com", "phone:+15551234567". */
  identifiers: string[];
  password?: string;
  firstName: string;
  lastName: string;
  branding: Branding;
  /** When set, each new install must be validated with this code before its token works. */
  twoFactorCode?: string;
  validatedInstalls: Set<string>;
  /** Unverified users hold PINs without an account (POST /unverifiedusers, partner sub-users). */
  unverified?: boolean;
  ownerId?: string;
  partnerUserID?: string;
}

/** One PIN, in the fields of DOC "Get all PINs" plus the schedule fields of AD POST /locks/:lockID/pins. */
export interface EmuPin {
  _id: string;
  type: string;
  lockID: string;
  userID: string;
  state: PinGroup;
  pin: string;
  slot: number;
  accessType: PinAccessType;
  accessTimes?: string;
  accessRecurrence?: string;
  accessStartTime?: string;
  accessEndTime?: string;
  callingUserID?: string;
  apiKey?: string;
  createdAt?: string;
  updatedAt?: string;
  loadedDate?: string;
  firstName?: string;
  lastName?: string;
  unverified?: boolean;
  partnerUserID?: string;
}

export interface Reservation {
  pin: string;
  slot: number;
  userId: string;
  until: number;
}

export type Bolt = 'locked' | 'unlocked' | 'unlatched';

export interface EmuLock {
  LockID: string;
  LockName: string;
  Type: number;
  /** Capabilities `lock.unlatch` (Y lock.py reads it before the Type 17 fallback). */
  unlatch: boolean;
  HouseID: string;
  SerialNumber: string;
  skuNumber: string;
  macAddress: string;
  timeZone: string;
  firmware: string;
  battery: number;
  bolt: Bolt;
  jammed: boolean;
  doorSense: boolean;
  door: 'open' | 'closed';
  bridge: { id: string; online: boolean; timeout: boolean } | null;
  keypad: { batteryLevel: string; pinLengthMin: number; pinLengthMax: number } | null;
  accessSchedulesAllowed?: boolean;
  users: Map<string, UserType>;
  pins: EmuPin[];
  masterPin?: EmuPin;
  reservations: Reservation[];
  /** Epoch ms until which an operation is in progress (423). */
  busyUntil: number;
  statusAt: string;
  pubsubChannel: string;
}

export interface EmuHouse {
  HouseID: string;
  HouseName: string;
  type: string;
}

export interface EmuSubscriber {
  subscriberID: string;
  scopes: string[];
  clientID: string;
  userID: string;
}

export interface UserSeed {
  userId?: string;
  email?: string;
  phone?: string;
  password: string;
  firstName?: string;
  lastName?: string;
  branding?: Branding;
  twoFactorCode?: string;
}

export interface LockSeed {
  id?: string;
  name: string;
  /** 1: "always" PINs only; 2+: schedules; 17: can unlatch. */
  type?: number;
  /** Capabilities `lock.unlatch`; defaults to Type 17 (a lock of another type may say so too). */
  unlatch?: boolean;
  houseId?: string;
  houseName?: string;
  state?: Bolt;
  door?: 'open' | 'closed';
  doorSense?: boolean;
  keypad?: boolean | { pinLengthMin?: number; pinLengthMax?: number; batteryLevel?: string };
  /** 'none': a Bluetooth-only lock without a bridge. */
  bridge?: 'online' | 'offline' | 'none';
  jammed?: boolean;
  battery?: number;
  sku?: string;
  accessSchedulesAllowed?: boolean;
  /** Users on the lock and their types. */
  users: Record<string, UserType>;
}

/** 32 upper-case hex characters, like a real lock id. */
export function newLockId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

function serial(prefix: string): string {
  return prefix + randomBytes(4).toString('hex').toUpperCase();
}

export class AugustState {
  readonly users = new Map<string, EmuUser>();
  readonly locks = new Map<string, EmuLock>();
  readonly houses = new Map<string, EmuHouse>();
  readonly subscribers = new Map<string, EmuSubscriber>();
  /** The activity feed of every house, oldest first (activity.ts). */
  readonly activities: EmuActivity[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  addUser(seed: UserSeed): EmuUser {
    const identifiers: string[] = [];
    if (seed.email) identifiers.push(`email:${seed.email}`);
    if (seed.phone) identifiers.push(`phone:${seed.phone}`);
    const user: EmuUser = {
      userId: seed.userId ?? randomUUID(),
      identifiers,
      password: seed.password,
      firstName: seed.firstName ?? 'Demo',
      lastName: seed.lastName ?? 'User',
      branding: seed.branding ?? 'august',
      twoFactorCode: seed.twoFactorCode,
      validatedInstalls: new Set(),
    };
    this.users.set(user.userId, user);
    return user;
  }

  addUnverifiedUser(firstName: string, lastName: string, ownerId: string, partnerUserID?: string): EmuUser {
    const user: EmuUser = {
      userId: randomUUID(),
      identifiers: [],
      firstName,
      lastName,
      branding: 'august',
      validatedInstalls: new Set(),
      unverified: true,
      ownerId,
      partnerUserID,
    };
    this.users.set(user.userId, user);
    return user;
  }

  findByIdentifier(identifier: string): EmuUser | undefined {
    const wanted = identifier.toLowerCase();
    for (const user of this.users.values())
      if (user.identifiers.some((i) => i.toLowerCase() === wanted)) return user;
    return undefined;
  }

  addLock(seed: LockSeed): EmuLock {
    const houseId = seed.houseId ?? [...this.houses.keys()][0] ?? randomUUID();
    if (!this.houses.has(houseId))
      this.houses.set(houseId, { HouseID: houseId, HouseName: seed.houseName ?? 'Home', type: 'house' });
    const keypad =
      seed.keypad === undefined || seed.keypad === false
        ? null
        : {
            batteryLevel: (typeof seed.keypad === 'object' && seed.keypad.batteryLevel) || 'Medium',
            pinLengthMin: (typeof seed.keypad === 'object' && seed.keypad.pinLengthMin) || 4,
            pinLengthMax: (typeof seed.keypad === 'object' && seed.keypad.pinLengthMax) || 6,
          };
    const type = seed.type ?? 2;
    const lock: EmuLock = {
      LockID: seed.id ?? newLockId(),
      LockName: seed.name,
      Type: type,
      unlatch: seed.unlatch ?? type === 17,
      HouseID: houseId,
      SerialNumber: serial(type === 17 ? 'L' : 'M'),
      skuNumber: seed.sku ?? (type === 17 ? 'NONE' : 'AUG-SL05-M01-S01'),
      macAddress: randomBytes(6).toString('hex').toUpperCase().match(/../g)!.join(':'),
      timeZone: 'Europe/London',
      firmware: type === 17 ? '1.0.4' : '3.0.44-3.0.30',
      battery: seed.battery ?? 0.88,
      bolt: seed.state ?? 'locked',
      jammed: seed.jammed ?? false,
      doorSense: seed.doorSense ?? false,
      door: seed.door ?? 'closed',
      bridge:
        seed.bridge === 'none'
          ? null
          : { id: randomBytes(12).toString('hex'), online: seed.bridge !== 'offline', timeout: false },
      keypad,
      accessSchedulesAllowed: seed.accessSchedulesAllowed,
      users: new Map(Object.entries(seed.users)),
      pins: [],
      reservations: [],
      busyUntil: 0,
      statusAt: new Date(this.now()).toISOString(),
      pubsubChannel: randomUUID(),
    };
    this.locks.set(lock.LockID, lock);
    return lock;
  }

  locksOf(userId: string): EmuLock[] {
    return [...this.locks.values()].filter((l) => l.users.has(userId));
  }

  housesOf(userId: string): EmuHouse[] {
    const ids = new Set(this.locksOf(userId).map((l) => l.HouseID));
    return [...this.houses.values()].filter((h) => ids.has(h.HouseID));
  }

  activeReservations(lock: EmuLock): Reservation[] {
    const t = this.now();
    lock.reservations = lock.reservations.filter((r) => r.until > t);
    return lock.reservations;
  }

  usedSlots(lock: EmuLock): Set<number> {
    return new Set([...lock.pins.map((p) => p.slot), ...this.activeReservations(lock).map((r) => r.slot)]);
  }

  nextSlot(lock: EmuLock, max: number): number | undefined {
    const used = this.usedSlots(lock);
    for (let s = 1; s <= max; s++) if (!used.has(s)) return s;
    return undefined;
  }

  newPinId(): string {
    return randomBytes(12).toString('base64url');
  }

  /** The LockStatus block of GET /locks/{id} and GET /locks/{id}/status. */
  statusBlock(lock: EmuLock): Record<string, unknown> {
    return {
      status: !lock.bridge
        ? 'unknown'
        : lock.jammed
          ? 'jammed'
          : lock.bolt === 'unlatched'
            ? 'unlocked'
            : lock.bolt,
      dateTime: lock.statusAt,
      isLockStatusChanged: false,
      valid: true,
      doorState: lock.doorSense ? lock.door : 'init',
    };
  }

  /** GET /locks/{id} (Accept-Version 0.0.1 shape; 2.0.0 turns the firmware into an object). */
  lockDetail(lock: EmuLock, acceptVersion: string): Record<string, unknown> {
    const users: Record<string, unknown> = {};
    for (const [userId, type] of lock.users) {
      const u = this.users.get(userId);
      users[userId] = {
        UserType: type,
        FirstName: u?.firstName ?? 'Unknown',
        LastName: u?.lastName ?? 'User',
        identifiers: u?.identifiers ?? [],
      };
    }
    const house = this.houses.get(lock.HouseID);
    const detail: Record<string, unknown> = {
      LockName: lock.LockName,
      Type: lock.Type,
      Created: lock.statusAt,
      Updated: lock.statusAt,
      LockID: lock.LockID,
      HouseID: lock.HouseID,
      HouseName: house?.HouseName ?? 'Home',
      Calibrated: true,
      timeZone: lock.timeZone,
      battery: lock.bridge ? lock.battery : -1,
      supportsEntryCodes: lock.keypad !== null,
      skuNumber: lock.skuNumber,
      macAddress: lock.macAddress,
      SerialNumber: lock.SerialNumber,
      LockStatus: this.statusBlock(lock),
      currentFirmwareVersion: acceptVersion.startsWith('2') ? { version: lock.firmware } : lock.firmware,
      homeKitEnabled: false,
      zWaveEnabled: false,
      isGalileo: false,
      parametersToSet: {},
      users,
      pubsubChannel: lock.pubsubChannel,
      ruleHash: {},
      cameras: [],
    };
    if (lock.accessSchedulesAllowed !== undefined)
      detail.accessSchedulesAllowed = lock.accessSchedulesAllowed;
    if (lock.bridge) {
      const at = lock.statusAt;
      detail.Bridge = {
        _id: lock.bridge.id,
        mfgBridgeID: lock.SerialNumber,
        deviceModel: 'august-connect',
        firmwareVersion: '2.2.1',
        operative: true,
        status: {
          current: lock.bridge.online ? 'online' : 'offline',
          lastOnline: at,
          updated: at,
          lastOffline: at,
        },
        hyperBridge: true,
      };
    }
    if (lock.keypad) {
      detail.keypad = {
        _id: lock.LockID.slice(0, 24).toLowerCase(),
        serialNumber: `K${lock.SerialNumber.slice(1)}`,
        lockID: lock.LockID,
        currentFirmwareVersion: '2.27.0',
        battery: {},
        batteryLevel: lock.keypad.batteryLevel,
      };
    }
    return detail;
  }
}
